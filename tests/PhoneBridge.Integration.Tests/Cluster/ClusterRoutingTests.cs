using System.Diagnostics;
using System.Net;
using System.Xml.Linq;
using PhoneBridge.Simulator;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Cluster;

/// <summary>
/// Two server processes sharing redis-server on loopback, no stickiness: a call whose webhook reached instance A and
/// whose media socket reached instance B echoes, and the management API of A acts on it through B (its owner), with
/// B's answers passed back unchanged and the Twilio fake seeing B's requests.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterRoutingTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("phonebridge-cluster-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task A_call_rung_at_A_and_streamed_to_B_echoes_and_A_holds_transfers_and_hangs_it_up_through_B()
    {
        // The hold file: a 600 Hz tone, so what the caller hears while held is recognisable.
        var holdFile = Path.Combine(_directory.FullName, "hold.wav");
        new WavFile([.. Enumerable.Range(0, 16000).Select(n => (short)(8000 * Math.Sin(2 * Math.PI * 600 * n / 16000)))], 16000).Write(holdFile);
        await using var rig = await ClusterRig.StartAsync(more: new Dictionary<string, string> { ["PhoneBridge__Hold__AudioFile"] = holdFile });
        using var atA = new ClusterApi(rig.A.Url);
        using var atB = new ClusterApi(rig.B.Url);

        await using var call = await rig.DialAsync(rig.A.Url, rig.B.Url, record: true);
        var callId = CallIdOf(call);
        var entry = await rig.EntryAsync(callId);
        Assert.Equal(rig.A.Id, entry.GetValueOrDefault("registrar"));
        Assert.Equal(rig.B.Id, entry.GetValueOrDefault("owner"));

        // The audio goes through B's bridge and comes back.
        await using var pacer = new FramePacer(TimeProvider.System);
        var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(8));
        call.Play(audio, audio.FrameCount, pacer);
        await call.WaitForFirstEchoAsync(ClusterRig.Generous);

        // GET through A is B's answer.
        var viaA = await atA.WaitAsync($"calls/{callId}", a => a.Status == HttpStatusCode.OK && a.Body.GetProperty("state").GetString() == "answered", "the call answered, seen through A");
        Assert.Equal(callId, viaA.Body.GetProperty("callId").GetString());
        Assert.True(viaA.Body.GetProperty("media").GetProperty("framesToPhone").GetInt64() > 0, viaA.ToString());

        // Hold through A: B holds the caller, who hears the hold tone instead of the echo; unhold brings it back.
        var hold = await atA.PostAsync($"calls/{callId}/hold");
        Assert.True(hold.Status == HttpStatusCode.Accepted, hold.ToString());
        var held = Stopwatch.StartNew();
        await atB.WaitAsync($"calls/{callId}", a => a.Status == HttpStatusCode.OK && a.Body.GetProperty("held").GetBoolean()
            && a.Body.GetProperty("media").GetProperty("framesHeld").GetInt64() >= 50, "B to hold a second of the caller");
        var unhold = await atA.PostAsync($"calls/{callId}/unhold");
        Assert.True(unhold.Status == HttpStatusCode.Accepted, unhold.ToString());
        var heldMs = held.ElapsedMilliseconds;

        // DTMF through A: in-band tones on B (Twilio streams cannot send DTMF through the API).
        var dtmf = await atA.PostAsync($"calls/{callId}/dtmf", new { digits = "12" });
        Assert.True(dtmf.Status == HttpStatusCode.Accepted, dtmf.ToString());

        // A refusal comes back as B gave it: bad input is B's 400 problem, unchanged.
        var bad = await atA.PostAsync($"calls/{callId}/dtmf", new { digits = "xyz" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal("application/problem+json", bad.MediaType);
        Assert.True(bad.Body.GetProperty("errors").TryGetProperty("digits", out _), bad.ToString());

        // Cold transfer through A: B asks Twilio (the fake sees the update with <Dial>) and answers 202 with the state.
        var transfer = await atA.PostAsync($"calls/{callId}/transfer", new { to = "+15550001111", mode = "cold" });
        Assert.True(transfer.Status == HttpStatusCode.Accepted, transfer.ToString());
        Assert.Equal("completed", transfer.Body.GetProperty("state").GetString());
        Assert.Equal($"/calls/{callId}", transfer.Location?.OriginalString);
        var update = Assert.Single(rig.Twilio.Requests, r => r.Path.EndsWith($"/Calls/{call.CallSid}.json", StringComparison.Ordinal));
        Assert.Equal("+15550001111", Assert.Single(XDocument.Parse(Assert.Single(update.Form["Twiml"])).Descendants("Dial")).Value.Trim());

        // Hang up through A: B ends it at Twilio and in the bridge; the caller's socket closes.
        var hangup = await atA.PostAsync($"calls/{callId}/hangup");
        Assert.True(hangup.Status == HttpStatusCode.Accepted, hangup.ToString());
        Assert.Contains(rig.Twilio.Requests, r => r.Path.EndsWith($"/Calls/{call.CallSid}.json", StringComparison.Ordinal) && r.Form.TryGetValue("Status", out var s) && s.SequenceEqual(["completed"]));
        await call.WaitClosedAsync(ClusterRig.Generous, CancellationToken.None);
        await atB.WaitAsync($"calls/{callId}", a => a.Status == HttpStatusCode.NotFound, "the call to leave B");
        var gone = await atA.GetAsync($"calls/{callId}");
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);

        // What the caller heard: the hold tone alone for a good part of the hold, and never outside it.
        var windows = call.Recording().Samples.Chunk(800).Where(w => w.Length == 800).Select(Share600Hz).ToList();
        var holdWindows = windows.Count(share => share > 0.95);
        Assert.InRange(holdWindows, 5, (heldMs / 100) + 5);
    }

    [Fact]
    public async Task A_call_the_owner_loses_to_kill_9_is_cleaned_within_the_heartbeat_window_and_a_redis_restart_leaves_calls_going()
    {
        await using var rig = await ClusterRig.StartAsync();
        using var atA = new ClusterApi(rig.A.Url);

        // Redis restarts under a call in progress (rung at B, streamed to A): the audio carries on throughout.
        await using var pacer = new FramePacer(TimeProvider.System);
        await using (var going = await rig.DialAsync(rig.B.Url, rig.A.Url))
        {
            var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(6));
            going.Play(audio, audio.FrameCount, pacer);
            await going.WaitForFirstEchoAsync(ClusterRig.Generous);
            await rig.Redis.StopAsync();
            await Task.Delay(TimeSpan.FromSeconds(1));
            await rig.Redis.StartAgainAsync();
            Assert.True(await going.WaitForEchoesAsync(ClusterRig.Generous, CancellationToken.None), "the echo stopped while Redis restarted");
            var report = going.Report();
            Assert.True(report.FramesEchoed == report.FramesSent && report.Failure is null && !report.ClosedByServer, report.ToString());
            await going.HangUpAsync(ClusterRig.Generous, CancellationToken.None);
        }

        // New calls work once Redis is back (the client reconnects by itself): one rung at A and streamed to B.
        var call = await ConnectWhenRedisIsBackAsync(rig);
        var callId = CallIdOf(call);
        var audio2 = CallerAudio.TestSignal(TimeSpan.FromSeconds(30));
        call.Play(audio2, audio2.FrameCount, pacer);
        await call.WaitForFirstEchoAsync(ClusterRig.Generous);
        await atA.WaitAsync($"calls/{callId}", a => a.Status == HttpStatusCode.OK, "the new call, seen through A");

        // B dies at once; within the heartbeat window (3 s here) plus a sweep its entries are gone.
        var killed = Stopwatch.StartNew();
        await rig.KillAsync(rig.B);
        await call.WaitClosedAsync(ClusterRig.Generous, CancellationToken.None);
        await call.DisposeAsync();
        await ClusterApiWait.UntilAsync(async () => (await rig.EntryAsync(callId)).Count == 0, "B's call entry to be removed");
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(20), $"cleaned after {killed.Elapsed}");
        Assert.Equal(HttpStatusCode.NotFound, (await atA.GetAsync($"calls/{callId}")).Status);
    }

    private static async Task<TwilioMediaCall> ConnectWhenRedisIsBackAsync(ClusterRig rig)
    {
        var deadline = DateTime.UtcNow + ClusterRig.Generous;
        while (true)
        {
            try
            {
                return await rig.DialAsync(rig.A.Url, rig.B.Url);
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && e is HttpRequestException or HandshakeRefusedException or SimulatorException)
            {
                await Task.Delay(250);
            }
        }
    }

    internal static string CallIdOf(TwilioMediaCall call) => call.Stream.Url.Segments[^2].TrimEnd('/');

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
}
