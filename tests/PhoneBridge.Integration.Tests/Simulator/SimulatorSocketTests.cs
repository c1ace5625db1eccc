using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Simulator;

/// <summary>The simulator's own behaviour over a real loopback socket, against a scripted peer.</summary>
public class SimulatorSocketTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SendsTwilioMessagesInOrderAndMeasuresTheEcho()
    {
        var seen = new ConcurrentQueue<JsonDocument>();
        await using var peer = await ScriptedTwilioPeer.StartAsync(async (socket, http) =>
        {
            while (await ScriptedTwilioPeer.ReceiveJsonAsync(socket, http.RequestAborted) is { } message)
            {
                seen.Enqueue(message);
                var root = message.RootElement;
                if (root.GetProperty("event").GetString() == "media")
                {
                    var payload = root.GetProperty("media").GetProperty("payload").GetString();
                    var sid = root.GetProperty("streamSid").GetString();
                    await ScriptedTwilioPeer.SendAsync(
                        socket, $$$"""{"event":"media","streamSid":"{{{sid}}}","media":{"payload":"{{{payload}}}"}}""", http.RequestAborted);
                }
            }

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        });
        using var http = new HttpClient();
        await using var pacer = new FramePacer(TimeProvider.System);
        var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(1));

        await using var call = await TwilioPhone.DialAsync(
            http, peer.Caller, TimeProvider.System, new TwilioMediaCallOptions { Record = true }, CancellationToken.None);
        var started = TimeProvider.System.GetTimestamp();
        call.Play(audio, audio.FrameCount, pacer);
        await call.SendDtmfAsync('7', CancellationToken.None);
        Assert.True(await call.WaitForEchoesAsync(Generous, CancellationToken.None));
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        await call.HangUpAsync(Generous, CancellationToken.None);
        var report = call.Report();

        // Real-time pacing never runs ahead: 50 frames take at least 49 slots.
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(49 * 20), $"sent 50 frames in {elapsed}");
        Assert.Equal(50, report.FramesSent);
        Assert.Equal(50, report.FramesEchoed);
        Assert.Equal(0, report.FramesLost);
        Assert.Equal(50, report.Latencies.Count);
        Assert.Null(report.Failure);
        Assert.False(report.ClosedByServer);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, report.CloseStatus);
        Assert.Equal(audio.ToWav().Samples, call.Recording().Samples);

        var messages = seen.ToArray();
        var events = messages.Select(m => m.RootElement.GetProperty("event").GetString()).ToArray();
        Assert.Equal("connected", events[0]);
        Assert.Equal("start", events[1]);
        Assert.Equal("stop", events[^1]);
        Assert.Contains("dtmf", events);
        Assert.Equal(50, events.Count(e => e == "media"));
        Assert.Equal(
            "call1",
            messages[1].RootElement.GetProperty("start").GetProperty("customParameters").GetProperty("callId").GetString());
        Assert.Equal(call.CallSid, Assert.Single(peer.Webhooks));

        // sequenceNumber counts every message after connected from "1"; chunk and timestamp count media.
        var sequence = messages.Skip(1).Select(m => long.Parse(m.RootElement.GetProperty("sequenceNumber").GetString()!)).ToArray();
        Assert.Equal(Enumerable.Range(1, sequence.Length).Select(i => (long)i), sequence);
        var media = messages.Where(m => m.RootElement.GetProperty("event").GetString() == "media")
            .Select(m => m.RootElement.GetProperty("media")).ToArray();
        Assert.Equal(Enumerable.Range(1, 50).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), media.Select(m => m.GetProperty("chunk").GetString()));
        Assert.Equal("980", media[^1].GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task MarksComeBackAfterTheirAudioHasPlayedOrWhenCleared()
    {
        var marks = new ConcurrentQueue<(string Name, TimeSpan At)>();
        var scriptDone = new TaskCompletionSource();
        await using var peer = await ScriptedTwilioPeer.StartAsync(async (socket, http) =>
        {
            var token = http.RequestAborted;
            using var connected = await ScriptedTwilioPeer.ReceiveJsonAsync(socket, token);
            using var start = await ScriptedTwilioPeer.ReceiveJsonAsync(socket, token);
            var sid = start!.RootElement.GetProperty("streamSid").GetString();
            var silence = Convert.ToBase64String(Enumerable.Repeat((byte)0xFF, 8000).ToArray()); // one second
            var began = TimeProvider.System.GetTimestamp();

            await ScriptedTwilioPeer.SendAsync(socket, $$$"""{"event":"mark","streamSid":"{{{sid}}}","mark":{"name":"idle"}}""", token);
            await ScriptedTwilioPeer.SendAsync(socket, $$$"""{"event":"media","streamSid":"{{{sid}}}","media":{"payload":"{{{silence}}}"}}""", token);
            await ScriptedTwilioPeer.SendAsync(socket, $$$"""{"event":"mark","streamSid":"{{{sid}}}","mark":{"name":"played"}}""", token);
            for (var i = 0; i < 2; i++)
            {
                using var mark = await ScriptedTwilioPeer.ReceiveJsonAsync(socket, token);
                marks.Enqueue((mark!.RootElement.GetProperty("mark").GetProperty("name").GetString()!, TimeProvider.System.GetElapsedTime(began)));
            }

            await ScriptedTwilioPeer.SendAsync(socket, $$$"""{"event":"media","streamSid":"{{{sid}}}","media":{"payload":"{{{silence}}}"}}""", token);
            await ScriptedTwilioPeer.SendAsync(socket, $$$"""{"event":"mark","streamSid":"{{{sid}}}","mark":{"name":"cleared-1"}}""", token);
            await ScriptedTwilioPeer.SendAsync(socket, $$$"""{"event":"mark","streamSid":"{{{sid}}}","mark":{"name":"cleared-2"}}""", token);
            await ScriptedTwilioPeer.SendAsync(socket, $$$"""{"event":"clear","streamSid":"{{{sid}}}"}""", token);
            for (var i = 0; i < 2; i++)
            {
                using var mark = await ScriptedTwilioPeer.ReceiveJsonAsync(socket, token);
                marks.Enqueue((mark!.RootElement.GetProperty("mark").GetProperty("name").GetString()!, TimeProvider.System.GetElapsedTime(began)));
            }

            scriptDone.SetResult();
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        });
        using var http = new HttpClient();
        await using var pacer = new FramePacer(TimeProvider.System);
        await using var call = await TwilioPhone.DialAsync(http, peer.Caller, TimeProvider.System, null, CancellationToken.None);
        call.Play(CallerAudio.TestSignal(TimeSpan.FromSeconds(1)), 0, pacer); // no caller audio: the pacer only plays out marks

        await scriptDone.Task.WaitAsync(Generous);
        await call.WaitClosedAsync(Generous, CancellationToken.None);

        var order = marks.ToArray();
        Assert.Equal(["idle", "played", "cleared-1", "cleared-2"], order.Select(m => m.Name));
        Assert.True(order[1].At >= TimeSpan.FromMilliseconds(990), $"'played' came back after {order[1].At}, before its second of audio");
        var report = call.Report();
        Assert.Equal(4, report.MarksReceived);
        Assert.Equal(4, report.MarksEchoed);
        Assert.Equal(1, report.ClearsReceived);
        Assert.True(report.ClosedByServer);
    }

    [Fact]
    public async Task CountsWhatTwilioWouldFlagAndKeepsGoing()
    {
        await using var peer = await ScriptedTwilioPeer.StartAsync(async (socket, http) =>
        {
            var token = http.RequestAborted;
            using var connected = await ScriptedTwilioPeer.ReceiveJsonAsync(socket, token);
            using var start = await ScriptedTwilioPeer.ReceiveJsonAsync(socket, token);
            var sid = start!.RootElement.GetProperty("streamSid").GetString();
            await ScriptedTwilioPeer.SendAsync(socket, "not json", token);
            await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, token);
            await ScriptedTwilioPeer.SendAsync(socket, $$$"""{"event":"media","streamSid":"MZwrong","media":{"payload":"AQID"}}""", token);
            await ScriptedTwilioPeer.SendAsync(socket, $$$"""{"event":"media","streamSid":"{{{sid}}}","media":{"payload":"AQID"}}""", token);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        });
        using var http = new HttpClient();
        await using var call = await TwilioPhone.DialAsync(http, peer.Caller, TimeProvider.System, null, CancellationToken.None);

        await call.WaitClosedAsync(Generous, CancellationToken.None);

        var report = call.Report();
        Assert.Equal(3, report.InvalidMessagesReceived);
        Assert.Equal(1, report.MediaMessagesReceived);
        Assert.Equal(3, report.BytesReceived);
    }

    [Fact]
    public async Task AWrongSignatureIsRefusedAtTheWebhookAndAtTheHandshake()
    {
        await using var peer = await ScriptedTwilioPeer.StartAsync((_, _) => Task.CompletedTask);
        using var http = new HttpClient();

        var webhook = new TwilioWebhookClient(http, peer.Caller with { AuthToken = "wrong" });
        var (status, _) = await webhook.PostVoiceAsync(TwilioSids.NewCallSid(), null, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Forbidden, status);

        var stream = await new TwilioWebhookClient(http, peer.Caller).RingAsync(TwilioSids.NewCallSid(), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<HandshakeRefusedException>(() => TwilioMediaCall.ConnectAsync(
            stream, "CA1", "AC1", "wrong", TimeProvider.System, null, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
    }
}
