using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Cli;

namespace PhoneBridge.Integration.Tests.Bridge;

/// <summary>
/// Hold and in-band DTMF asked through the server's call directory, as the management API does, heard by a
/// simulated Twilio caller on the in-process server (local echo edge: the caller's own audio comes back as the
/// remote audio).
/// </summary>
public sealed class CallMediaControlServerTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("phonebridge-media-control-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Digits_queued_on_the_live_call_are_heard_by_the_caller_in_order_over_ten_seconds_of_echoed_audio()
    {
        await using var server = await BridgeServer.StartAsync();
        var calls = server.Services.GetRequiredService<CallDirectory>();
        var audio = Speech();

        var call = CallAsync(server, [.. audio, "--seconds", "10", "--expect-dtmf", "159#", "--json"]);
        var media = await LiveMediaAsync(calls, call);

        // Let the echo flow first, so the tones are mixed into remote audio, not played into silence.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.True(media.PlayDtmf("159#", 100));

        var (code, output, error) = await call;
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        using var report = JsonDocument.Parse(output);
        var dtmf = report.RootElement.GetProperty("dtmf");
        Assert.Equal("159#", dtmf.GetProperty("heard").GetString());
        Assert.True(dtmf.GetProperty("passed").GetBoolean());
        Assert.Equal(4, media.Stats.DtmfTonesPlayed);
        Assert.True(media.Stats.FramesToPhone > 0);
    }

    [Fact]
    public async Task A_held_caller_hears_the_hold_file_instead_of_the_echo_and_the_echo_returns_after_unhold()
    {
        // The hold file: a 600 Hz tone at 16 kHz, which the bridge resamples for the 8 kHz call.
        var holdFile = Path.Combine(_directory.FullName, "hold.wav");
        new WavFile([.. Enumerable.Range(0, 16000).Select(n => (short)(8000 * Math.Sin(2 * Math.PI * 600 * n / 16000)))], 16000).Write(holdFile);
        await using var server = await BridgeServer.StartAsync(settings: new Dictionary<string, string?> { ["PhoneBridge:Hold:AudioFile"] = holdFile });
        var calls = server.Services.GetRequiredService<CallDirectory>();
        var recording = Path.Combine(_directory.FullName, "heard.wav");

        var call = CallAsync(server, ["--seconds", "10", "--record", recording]);
        var media = await LiveMediaAsync(calls, call);
        Assert.True(calls.TryGet(calls.Calls.Single().CallId, out var live));

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var held = Stopwatch.StartNew();
        Assert.True(live.SetHeld(true));
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var heldFrames = media.Stats.FramesHeld;
        Assert.True(live.SetHeld(false));
        var heldMs = held.ElapsedMilliseconds;

        var (code, output, error) = await call;
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");

        // The caller's frames of the hold (20 ms each), and none after it. A busy machine delivers the caller's frames in
        // bursts: a stall before the hold that is caught up during it adds up to a second's worth.
        Assert.InRange(heldFrames, 60, (heldMs / 20) + 50);
        Assert.Equal(heldFrames, media.Stats.FramesHeld);

        // The recording, in 100 ms windows: the hold tone alone for most of the hold, the echo before and after.
        var heard = WavFile.Read(recording).Samples;
        var windows = heard.Chunk(800).Where(w => w.Length == 800).Select(Share600Hz).ToList();
        var holdWindows = windows.Count(share => share > 0.95);
        Assert.InRange(holdWindows, 15, (heldMs / 100) + 3);
        Assert.True(windows.Take(5).All(share => share < 0.5), "the echo comes first");
        Assert.True(windows.TakeLast(10).Count(share => share < 0.5) >= 8, "the echo comes back after unhold");
    }

    [Fact]
    public async Task A_hold_file_that_cannot_be_read_stops_the_server_at_start_naming_the_key_and_the_file()
    {
        var notAudio = Path.Combine(_directory.FullName, "hold.wav");
        await File.WriteAllTextAsync(notAudio, "not a wave file");

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var server = await BridgeServer.StartAsync(settings: new Dictionary<string, string?> { ["PhoneBridge:Hold:AudioFile"] = notAudio });
        });

        var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains("PhoneBridge:Hold:AudioFile", messages, StringComparison.Ordinal);
        Assert.Contains(notAudio, messages, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }

    private static async Task<ICallMediaControl> LiveMediaAsync(CallDirectory calls, Task call)
    {
        ICallMediaControl? media = null;
        var found = await Eventually.TrueAsync(
            () => call.IsCompleted || (calls.Calls.FirstOrDefault() is { } live && (media = live.Media) is not null), Generous);
        Assert.True(found && media is not null, "the call never reached the bridge");
        return media!;
    }

    // What share of the window's energy a 600 Hz sine explains (a Goertzel-style fit of sine and cosine).
    private static double Share600Hz(short[] window)
    {
        double c = 0, s = 0, energy = 0;
        for (var n = 0; n < window.Length; n++)
        {
            var phase = 2 * Math.PI * 600 * n / 8000;
            c += window[n] * Math.Cos(phase);
            s += window[n] * Math.Sin(phase);
            energy += (double)window[n] * window[n];
        }

        return energy == 0 ? 0 : 2 * ((c * c) + (s * s)) / window.Length / energy;
    }

    /// <summary>Speech from espeak-ng as the caller's audio when it is installed; the simulator's test signal otherwise.</summary>
    private string[] Speech() => SpeechWav.Options(
        Path.Combine(_directory.FullName, "speech.wav"),
        "Thank you for calling. Please hold while I look up your booking. It will only take a moment. Your parcel number is nine one five two.");

    private static async Task<(int Code, string Output, string Error)> CallAsync(BridgeServer server, string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SimulatorCli.RunAsync(
            ["call", "--server", server.BaseUrl.ToString(), "--auth-token", BridgeServer.AuthToken, .. options],
            output, error, CancellationToken.None).WaitAsync(Generous);
        return (code, output.ToString(), error.ToString());
    }
}
