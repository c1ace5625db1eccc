using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Calls;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Cli;
using PhoneBridge.Testing.Recording;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary>
/// Recordings of calls made by the simulated Twilio caller on the real server with the local echo edge, whose
/// echo is delayed so that what the caller said and what it heard are the same noise at different times.
/// </summary>
public sealed class CallRecordingEndToEndTests : IDisposable
{
    private const int Rate = 8000;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan EchoDelay = TimeSpan.FromMilliseconds(300);

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("pb-rec-e2e-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task The_left_channel_is_what_the_caller_said_and_the_right_what_it_heard_with_its_keys_in_the_sidecar()
    {
        var recordings = _work.CreateSubdirectory("recordings").FullName;
        await using var server = RecordingServer.Start(recordings, enabled: true, new Dictionary<string, string?> { ["PhoneBridge:Echo:Delay"] = "00:00:00.300" });
        var said = Signals.Noise(3 * Rate, seed: 14);
        var saidPath = Path.Combine(_work.FullName, "said.wav");
        new WavFile(said, Rate).Write(saidPath);
        var heardPath = Path.Combine(_work.FullName, "heard.wav");

        var (code, output, error) = await server.CallAsync("--wav", saidPath, "--record", heardPath, "--dtmf", "12");
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        var callId = await FinishedRecordingAsync(server, "stopped");

        // One WAV and one sidecar, named by the call id only.
        Assert.Equal([callId + ".json", callId + ".wav"], Directory.GetFiles(recordings).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var wavPath = Path.Combine(recordings, callId + ".wav");
        var sox = await Sox.InfoAsync(wavPath);
        Assert.True(sox.ExitCode == 0, sox.Output);
        var wav = RecordedWav.Read(wavPath);
        Assert.True(wav.HeaderIsConsistent);
        Assert.Equal((2, Rate, 16), (wav.Channels, wav.SampleRate, wav.BitsPerSample));

        // A half second from the middle of what the caller said: on the left where it was said, on the right one echo
        // delay later (plus the bridge's own hops), and the left holds nothing like it there.
        var piece = said[Rate..(Rate + (Rate / 2))];
        var left = Signals.Find(wav.Left, piece);
        Assert.True(left.Correlation > 0.95, $"left {left.Correlation:0.000}");
        var right = Signals.Find(wav.Right, piece);
        Assert.True(right.Correlation > 0.9, $"right {right.Correlation:0.000}");
        var delayMs = (right.Index - left.Index) * 1000 / Rate;
        Assert.InRange(delayMs, EchoDelay.TotalMilliseconds - 40, EchoDelay.TotalMilliseconds + 600);
        Assert.True(Signals.Correlation(wav.Left.AsSpan(right.Index, piece.Length), piece) < 0.3);
        Assert.True(Signals.Correlation(wav.Right.AsSpan(left.Index, piece.Length), piece) < 0.3);

        // The right channel is the echo the caller heard: the same stretch of the simulator's own recording is on it.
        var heard = WavFile.Read(heardPath).Samples;
        var inHeard = Signals.Find(heard, piece);
        Assert.True(inHeard.Correlation > 0.9, $"heard {inHeard.Correlation:0.000}");
        var heardPiece = heard[inHeard.Index..(inHeard.Index + (Rate / 2))];
        var rightMatch = Signals.Find(wav.Right, heardPiece);
        Assert.True(rightMatch.Correlation > 0.9, $"right vs heard {rightMatch.Correlation:0.000}");
        Assert.InRange(rightMatch.Index, right.Index - 2, right.Index + 2);

        var sidecarText = await File.ReadAllTextAsync(Path.Combine(recordings, callId + ".json"));
        using var sidecar = JsonDocument.Parse(sidecarText);
        var root = sidecar.RootElement;
        Assert.Equal(callId, root.GetProperty("callId").GetString());
        Assert.Equal("twilio", root.GetProperty("provider").GetString());
        Assert.StartsWith("***", root.GetProperty("from").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("***", root.GetProperty("to").GetString(), StringComparison.Ordinal);
        Assert.True(root.GetProperty("endedAt").GetDateTimeOffset() > root.GetProperty("startedAt").GetDateTimeOffset());
        var keys = root.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "phone.dtmf").ToArray();
        Assert.Equal(["1", "2"], keys.Select(k => k.GetProperty("digit").GetString()));
        Assert.All(keys, k => Assert.InRange(k.GetProperty("offsetMs").GetInt64(), 500, 3500));
        Assert.True(keys[1].GetProperty("offsetMs").GetInt64() > keys[0].GetProperty("offsetMs").GetInt64());

        Assert.Equal(["started", "stopped"], server.Events.Of<PhoneRecordingEvent>(callId).Select(e => e.State));
        Assert.Empty(server.Logs.AtLeast(LogLevel.Error));
    }

    [Fact]
    public async Task Started_and_stopped_through_the_API_on_a_live_call_with_hold_in_the_sidecar()
    {
        var recordings = _work.CreateSubdirectory("recordings").FullName;
        await using var server = RecordingServer.Start(recordings, enabled: false);
        using var api = server.Api();

        var call = server.CallAsync("--seconds", "6");
        LiveCall? live = null;
        Assert.True(await RecordingServer.EventuallyAsync(
            () => call.IsCompleted || (server.Calls.Calls.FirstOrDefault() is { Media: not null } found && (live = found) is not null), Generous));
        Assert.NotNull(live);
        var path = $"/calls/{live.CallId}/recording/";
        await ProblemAssert.IsProblem(await api.PostAsync(path + "stop", null), HttpStatusCode.Conflict);

        using (var start = await api.PostAsync(path + "start", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        await ProblemAssert.IsProblem(await api.PostAsync(path + "start", null), HttpStatusCode.Conflict);
        await Task.Delay(500);
        (await api.PostAsync($"/calls/{live.CallId}/hold", null)).Dispose();
        await Task.Delay(500);
        (await api.PostAsync($"/calls/{live.CallId}/unhold", null)).Dispose();
        using (var stop = await api.PostAsync(path + "stop", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        }

        await ProblemAssert.IsProblem(await api.PostAsync(path + "stop", null), HttpStatusCode.Conflict);
        var (code, output, error) = await call;
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        Assert.Equal(live.CallId, await FinishedRecordingAsync(server, "stopped"));

        using var sidecar = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(recordings, live.CallId + ".json")));
        var holds = sidecar.RootElement.GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "phone.hold").ToArray();
        Assert.Equal([true, false], holds.Select(h => h.GetProperty("held").GetBoolean()));
        var offsets = holds.Select(h => h.GetProperty("offsetMs").GetInt64()).ToArray();
        Assert.InRange(offsets[0], 200, 3000);
        Assert.InRange(offsets[1] - offsets[0], 200, 3000);
        var wav = RecordedWav.Read(Path.Combine(recordings, live.CallId + ".wav"));
        Assert.InRange(wav.Left.Length, Rate / 2, 5 * Rate);
    }

    [Fact]
    public async Task Recording_into_a_directory_that_cannot_be_written_leaves_the_call_running_with_one_error_and_the_failed_event()
    {
        var recordings = _work.CreateSubdirectory("recordings").FullName;
        await using var server = RecordingServer.Start(recordings, enabled: true);

        // After the start-up check: a regular file where the directory was, which no user (root included) can write under.
        Directory.Delete(recordings);
        await File.WriteAllTextAsync(recordings, "not a directory");
        var heardPath = Path.Combine(_work.FullName, "heard.wav");

        var (code, output, error) = await server.CallAsync("--seconds", "3", "--record", heardPath);

        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        var callId = await FinishedRecordingAsync(server, "failed");
        var heard = WavFile.Read(heardPath).Samples;
        Assert.True(AudioLevel(heard) > 100, "the caller heard the echo all along");
        var failure = Assert.Single(server.Logs.AtLeast(LogLevel.Error));
        Assert.Equal(1802, failure.EventId.Id);
        Assert.Contains(callId, failure.Message, StringComparison.Ordinal);
        Assert.Equal(["failed"], server.Events.Of<PhoneRecordingEvent>(callId).Select(e => e.State));
        Assert.Single(server.Events.Of<PhoneCallEvent>(callId), e => e.State == "ended");
    }

    /// <summary>The call id of the one recording, once its last <c>phone.recording</c> event is <paramref name="state"/>.</summary>
    private static async Task<string> FinishedRecordingAsync(RecordingServer server, string state)
    {
        Assert.True(
            await RecordingServer.EventuallyAsync(() => server.Events.Published.Any(p => p.Event is PhoneRecordingEvent r && r.State == state), Generous),
            $"no phone.recording {state}");
        return server.Events.Published.Select(p => p.Event).OfType<PhoneRecordingEvent>().First(r => r.State == state).CallId;
    }

    private static double AudioLevel(short[] samples) =>
        samples.Length == 0 ? 0 : Math.Sqrt(samples.Average(s => (double)s * s));
}
