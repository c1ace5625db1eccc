using System.Net;
using System.Text.Json;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator.Cli;

namespace PhoneBridge.Integration.Tests.Calls;

/// <summary>
/// <c>POST /calls/{callId}/dtmf</c> on a live Twilio call: Media Streams cannot send DTMF, so the bridge plays
/// in-band tones into what the caller hears, and the simulator's Goertzel detector must hear exactly those keys
/// over ten seconds of ordinary (echoed) audio.
/// </summary>
public sealed class InBandDtmfApiTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("phonebridge-calls-dtmf-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Digits_posted_for_a_live_twilio_call_are_heard_by_the_caller_in_order_and_no_other_key_over_ten_seconds()
    {
        await using var server = await BridgeServer.StartAsync(settings: CallsApi.Settings());
        using var api = new CallsApi(server);

        var call = CallAsync(server, [.. Speech(), "--seconds", "10", "--expect-dtmf", "159#", "--json"]);
        var listed = await api.WaitForCallAsync(c => CallsApi.State(c) == "answered" || call.IsCompleted, "the caller to be answered");
        if (call.IsCompleted)
        {
            Assert.Fail("the simulated call ended before it was listed: " + await call);
        }

        var callId = CallsApi.CallId(listed);

        // The echo flows first (half a second of it), so the tones are mixed into remote audio, not played into silence.
        await api.WaitForCallAsync(callId, c => CallsApi.Media(c, "framesToPhone") >= 25, "the echo to reach the caller");
        var sent = await api.PostAsync($"calls/{callId}/dtmf", new { digits = "159#" });
        Assert.True(sent.Status == HttpStatusCode.Accepted, sent.ToString());

        var (code, output, error) = await call;
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        using var report = JsonDocument.Parse(output);
        var dtmf = report.RootElement.GetProperty("dtmf");
        Assert.Equal("159#", dtmf.GetProperty("heard").GetString());
        Assert.True(dtmf.GetProperty("passed").GetBoolean());
    }

    /// <summary>Speech from espeak-ng as the caller's audio when it is installed; the simulator's test signal otherwise.</summary>
    private string[] Speech() => SpeechWav.Options(
        Path.Combine(_directory.FullName, "speech.wav"),
        "Hello, you are through to the parcel desk. I will press the keys for the booking line now. One moment please, the number is nine one five two.");

    private static async Task<(int Code, string Output, string Error)> CallAsync(BridgeServer server, string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SimulatorCli.RunAsync(
            ["call", "--server", server.BaseUrl.ToString(), "--auth-token", BridgeServer.AuthToken, .. options],
            output, error, CancellationToken.None).WaitAsync(CallsApi.Generous * 2);
        return (code, output.ToString(), error.ToString());
    }
}
