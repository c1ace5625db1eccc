using System.Net.WebSockets;
using System.Text.Json;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Core.Phone;
using PhoneBridge.Twilio.Media;
using PhoneBridge.Twilio.Tests.Infrastructure;
using static PhoneBridge.Testing.Phone.RecordingPhoneHandler;

namespace PhoneBridge.Twilio.Tests.Media;

public class TwilioMediaStreamTests
{
    private static byte[] Codes(int length, int offset = 0) => Enumerable.Range(offset, length).Select(i => (byte)i).ToArray();

    private static short[] Decoded(byte[] mulaw)
    {
        var pcm = new short[mulaw.Length];
        G711.MuLawDecode(mulaw, pcm);
        return pcm;
    }

    private static short[] Tone(int samples, short value) => Enumerable.Repeat(value, samples).ToArray();

    [Fact]
    public async Task Inbound_protocol_reaches_the_handler_in_order()
    {
        await using var pair = MediaSocketPair.Create();

        await pair.SendAsync(MediaSocketPair.Connected);
        await pair.StartAsync();
        var frame = Codes(160);
        await pair.SendAsync(MediaSocketPair.Media(frame));
        await pair.SendAsync("""{"event":"dtmf","streamSid":"MZ1","sequenceNumber":"5","dtmf":{"track":"inbound_track","digit":"7"}}""");
        await pair.SendAsync("""{"event":"mark","sequenceNumber":"6","streamSid":"MZ1","mark":{"name":"greeting \"done\""}}""");
        await pair.SendAsync("""{"event":"stop","sequenceNumber":"7","stop":{"accountSid":"AC1","callSid":"CA1"},"streamSid":"MZ1"}""");

        var started = (await pair.Handler.NextAsync<Started>()).Start;
        Assert.Equal(MediaSocketPair.StreamSid, started.StreamId);
        Assert.Equal(MediaSocketPair.CallSid, started.ProviderCallId);
        Assert.Equal(PhoneAudioFormat.MuLaw8k, started.Format);
        Assert.Equal("c1", started.CustomParameters["callId"]);
        Assert.Equal("Jane", started.CustomParameters["FirstName"]);
        Assert.Equal(Decoded(frame), (await pair.Handler.NextAsync<AudioReceived>()).Pcm);
        Assert.Equal('7', (await pair.Handler.NextAsync<Dtmf>()).Digit);
        Assert.Equal("greeting \"done\"", (await pair.Handler.NextAsync<Mark>()).Name);

        await pair.Run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await pair.ReceiveCloseAsync());
        Assert.Equal(MediaSocketPair.CallSid, pair.Stream.CallSid);
        Assert.Equal(MediaSocketPair.StreamSid, pair.Stream.StreamSid);
        Assert.Equal(1, pair.Stream.FramesReceived);
    }

    [Fact]
    public async Task Fragmented_and_escaped_messages_are_reassembled()
    {
        await using var pair = MediaSocketPair.Create();
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        var frame = Codes(160, 60);
        var json = MediaSocketPair.Media(frame);
        await pair.SendAsync(json[..50], endOfMessage: false);
        await pair.SendAsync(json[50..]);
        Assert.Equal(Decoded(frame), (await pair.Handler.NextAsync<AudioReceived>()).Pcm);

        // Payload with JSON escapes ("\/" and \u002B) and the event written last.
        var escaped = Convert.ToBase64String(frame).Replace("/", "\\/", StringComparison.Ordinal).Replace("+", "\\u002B", StringComparison.Ordinal);
        await pair.SendAsync($$$"""{"media":{"payload":"{{{escaped}}}"},"streamSid":"{{{MediaSocketPair.StreamSid}}}","event":"media"}""");
        Assert.Equal(Decoded(frame), (await pair.Handler.NextAsync<AudioReceived>()).Pcm);
    }

    [Fact]
    public async Task Any_payload_length_is_accepted()
    {
        await using var pair = MediaSocketPair.Create();
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        var big = Codes(8000); // one second in one message
        await pair.SendAsync(MediaSocketPair.Media(big));
        await pair.SendAsync(MediaSocketPair.Media(Codes(1)));

        Assert.Equal(Decoded(big), (await pair.Handler.NextAsync<AudioReceived>()).Pcm);
        Assert.Single((await pair.Handler.NextAsync<AudioReceived>()).Pcm);
    }

    [Fact]
    public async Task Bad_input_is_skipped_logged_once_per_kind_and_the_stream_goes_on()
    {
        await using var pair = MediaSocketPair.Create();
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        for (var i = 0; i < 3; i++)
        {
            await pair.SendAsync("{not json");
            await pair.SendAsync("""{"event":"media","media":{"payload":"@@@@"}}""");
            await pair.SendAsync("""{"event":"transcription","streamSid":"MZ1"}""");
            await pair.SendAsync("[1,2]");
            await pair.SendAsync("""{"event":"dtmf","dtmf":{"digit":"xyz"}}""");
            await pair.Client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        }

        var frame = Codes(160, 7);
        await pair.SendAsync(MediaSocketPair.Media(frame));
        Assert.Equal(Decoded(frame), (await pair.Handler.NextAsync<AudioReceived>()).Pcm);
        Assert.Equal(0, pair.Handler.Pending);

        Assert.Single(pair.Logs.WithEventId(1408)); // malformed
        Assert.Single(pair.Logs.WithEventId(1409)); // unknown event
        Assert.Single(pair.Logs.WithEventId(1400)); // binary
        Assert.Single(pair.Logs.WithEventId(1410)); // bad base64

        await pair.SendAsync("""{"event":"stop"}""");
        await pair.Run.WaitAsync(TimeSpan.FromSeconds(30));
        var summary = Assert.Single(pair.Logs.WithEventId(1412)).Message;
        Assert.Contains("6 malformed", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Media_before_start_is_not_delivered_and_audio_is_not_sent()
    {
        await using var pair = MediaSocketPair.Create();
        pair.Stream.OnFrame(Tone(160, 1000));
        pair.Stream.SendMark("early");
        pair.Stream.Clear();
        await pair.SendAsync(MediaSocketPair.Media(Codes(160)));
        await pair.StartAsync();

        await pair.Handler.NextAsync<Started>();
        pair.Stream.SendMark("first");
        using var first = JsonDocument.Parse(await pair.ReceiveTextAsync());
        Assert.Equal("first", first.RootElement.GetProperty("mark").GetProperty("name").GetString());
        Assert.Equal(0, pair.Handler.Pending);
    }

    [Fact]
    public async Task Outbound_media_mark_and_clear_are_twilio_messages()
    {
        await using var pair = MediaSocketPair.Create();
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        var pcm = Enumerable.Range(0, 160).Select(i => (short)((i - 80) * 300)).ToArray();
        var expected = new byte[160];
        G711.MuLawEncode(pcm, expected);
        pair.Stream.OnFrame(pcm);
        pair.Stream.SendMark("m1");

        Assert.Equal(
            $$$"""{"event":"media","streamSid":"{{{MediaSocketPair.StreamSid}}}","media":{"payload":"{{{Convert.ToBase64String(expected)}}}"}}""",
            await pair.ReceiveTextAsync());
        Assert.Equal($$$"""{"event":"mark","streamSid":"{{{MediaSocketPair.StreamSid}}}","mark":{"name":"m1"}}""", await pair.ReceiveTextAsync());
        pair.Stream.Clear();
        Assert.Equal($$$"""{"event":"clear","streamSid":"{{{MediaSocketPair.StreamSid}}}"}""", await pair.ReceiveTextAsync());
        Assert.Equal(1, pair.Stream.FramesSent);
    }

    [Fact]
    public async Task Oversized_message_closes_with_1009()
    {
        await using var pair = MediaSocketPair.Create(new TwilioMediaStreamOptions { MaxMessageBytes = 2048 });
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        await pair.SendAsync(MediaSocketPair.Media(Codes(4000)));

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await pair.ReceiveCloseAsync());
        await pair.Run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(pair.Logs.WithEventId(1401));
        Assert.Equal(0, pair.Handler.Pending);
    }

    [Fact]
    public async Task Unsupported_format_closes_the_socket()
    {
        await using var pair = MediaSocketPair.Create();
        await pair.SendAsync(MediaSocketPair.Start.Replace("audio/x-mulaw", "audio/x-alaw", StringComparison.Ordinal));

        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, await pair.ReceiveCloseAsync());
        await pair.Run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, pair.Handler.Pending);
        Assert.Single(pair.Logs.WithEventId(1411));
    }

    [Fact]
    public async Task Hang_up_flushes_queued_audio_closes_and_ends_the_call_through_the_api()
    {
        var hungUp = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pair = MediaSocketPair.Create(hangUpCall: (sid, _) =>
        {
            hungUp.TrySetResult(sid);
            return Task.CompletedTask;
        });
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        pair.Stream.OnFrame(Tone(160, 500));
        var hangUp = pair.Stream.HangUpAsync("agent said goodbye", CancellationToken.None).AsTask();

        Assert.Contains("\"media\"", await pair.ReceiveTextAsync(), StringComparison.Ordinal);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await pair.ReceiveCloseAsync());
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await hangUp.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(MediaSocketPair.CallSid, await hungUp.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(pair.Run.IsCompleted);
    }
}
