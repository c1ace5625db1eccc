using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using PhoneBridge.Simulator.Cli;
using PhoneBridge.Testing.Recording;
using PhoneBridge.Testing.Server;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary>The server process killed with SIGKILL in the middle of a recorded call leaves a WAV that SoX reads.</summary>
public sealed class CallRecordingKilledServerTests : IDisposable
{
    private const string AuthToken = "kill-test-token";

    private readonly DirectoryInfo _recordings = Directory.CreateTempSubdirectory("pb-rec-kill-");

    public void Dispose() => _recordings.Delete(recursive: true);

    [Fact]
    public async Task Kill_9_mid_call_leaves_a_playable_wav_and_a_sidecar()
    {
        await using var server = await ServerProcess.StartAsync(new ServerProcessOptions
        {
            Settings = new Dictionary<string, string>
            {
                ["Twilio__AuthToken"] = AuthToken,
                ["PhoneBridge__Recording__Enabled"] = "true",
                ["PhoneBridge__Recording__Directory"] = _recordings.FullName,
            },
        });
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var call = SimulatorCli.RunAsync(
            ["call", "--server", server.Url.ToString(), "--auth-token", AuthToken, "--seconds", "30"],
            TextWriter.Null, TextWriter.Null, cancel.Token);

        // Two seconds of the call in the file's header, then SIGKILL: no shutdown, no last write, nothing flushed.
        string? wavPath = null;
        Assert.True(
            await RecordingServer.EventuallyAsync(
                () => call.IsCompleted || ((wavPath = _recordings.GetFiles("*.wav").FirstOrDefault()?.FullName) is not null && HeaderDataBytes(wavPath) >= 2 * 8000 * 4),
                TimeSpan.FromSeconds(60)),
            "the recording never reached two seconds");
        Assert.False(call.IsCompleted, "the call ended before the kill");
        using (var process = Process.GetProcessById(server.Id))
        {
            process.Kill(); // SIGKILL
            await process.WaitForExitAsync(cancel.Token);
        }

        await cancel.CancelAsync();
        try
        {
            await call;
        }
        catch (OperationCanceledException)
        {
        }

        var wav = RecordedWav.Read(wavPath!);
        Assert.True(wav.HeaderIsConsistent);
        Assert.InRange(wav.Left.Length, 2 * 8000, 30 * 8000);
        var info = await Sox.InfoAsync(wavPath!);
        Assert.True(info.ExitCode == 0, info.Output);
        Assert.Contains("Channels       : 2", info.Output, StringComparison.Ordinal);
        var stat = await Sox.StatAsync(wavPath!);
        Assert.True(stat.ExitCode == 0, stat.Output);
        Assert.Contains("Samples read", stat.Output, StringComparison.Ordinal);

        // The sidecar says the recording was still going: no end time.
        using var sidecar = JsonDocument.Parse(await File.ReadAllTextAsync(Path.ChangeExtension(wavPath!, ".json")));
        Assert.Equal("recording", sidecar.RootElement.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, sidecar.RootElement.GetProperty("endedAt").ValueKind);
    }

    private static long HeaderDataBytes(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[44];
        return file.ReadAtLeast(header, 44, throwOnEndOfStream: false) < 44 ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(header[40..]);
    }
}
