using System.Text.Json;
using PhoneBridge.Audio.Tones;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Cli;

namespace PhoneBridge.Integration.Tests.Simulator;

/// <summary>
/// <c>call --expect-dtmf</c> end to end against the server's local echo edge: the phone streams DTMF tones in a
/// WAV, the echo brings them back, and the phone's verdict on what it heard decides the exit code.
/// </summary>
public sealed class CallExpectDtmfTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private readonly string _wav = Path.Combine(Path.GetTempPath(), $"phonebridge-dtmf-{Guid.NewGuid():N}.wav");

    public CallExpectDtmfTests()
    {
        // A second of silence while the call joins, the keys, and a second for the echo to come back.
        var generator = new DtmfToneGenerator("159#", 8000, 100);
        var pcm = new short[8000 + generator.TotalSamples + 8000];
        generator.Fill(pcm.AsSpan(8000));
        new WavFile(pcm, 8000).Write(_wav);
    }

    [Fact]
    public async Task TheKeysEchoedBackPassAndOthersFail()
    {
        await using var server = await BridgeServer.StartAsync();

        var (code, output, error) = await CallAsync(server, "--expect-dtmf", "159#", "--json");

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        using (var report = JsonDocument.Parse(output))
        {
            var dtmf = report.RootElement.GetProperty("dtmf");
            Assert.Equal("159#", dtmf.GetProperty("heard").GetString());
            Assert.True(dtmf.GetProperty("passed").GetBoolean());
            Assert.Equal(JsonValueKind.Null, dtmf.GetProperty("failure").ValueKind);
            Assert.True(report.RootElement.GetProperty("framesEchoed").GetInt64() > 0);
        }

        Assert.Contains("dtmf heard '159#' as expected", error, StringComparison.Ordinal);

        (code, output, error) = await CallAsync(server, "--expect-dtmf", "158#");

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("dtmf: expected DTMF '158#' but heard '159#'", output, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_wav);

    private async Task<(int Code, string Output, string Error)> CallAsync(BridgeServer server, params string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SimulatorCli.RunAsync(
            ["call", "--server", server.BaseUrl.ToString(), "--auth-token", BridgeServer.AuthToken, "--wav", _wav, .. options],
            output, error, CancellationToken.None).WaitAsync(Generous);
        return (code, output.ToString(), error.ToString());
    }
}
