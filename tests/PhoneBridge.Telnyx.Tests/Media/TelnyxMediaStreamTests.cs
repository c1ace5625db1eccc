using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Core.Phone;
using PhoneBridge.Telnyx.Media;

namespace PhoneBridge.Telnyx.Tests.Media;

public sealed class TelnyxMediaStreamTests
{
    private const string Connected = """{"event":"connected","version":"1.0.0"}""";

    private static string Start(string encoding, int rate, string controlId = "v3:ctl") =>
        $$$"""{"event":"start","sequence_number":"1","start":{"user_id":"u","call_control_id":"{{{controlId}}}","call_session_id":"s","from":"+1555","to":"+1666","client_state":"aGk=","media_format":{"encoding":"{{{encoding}}}","sample_rate":{{{rate}}},"channels":1}},"stream_id":"32DE0DEA-53CB-4B21-89A4-9E1819C043BC"}""";

    private static string Media(long chunk, ReadOnlySpan<byte> payload, string track = "inbound") =>
        $$"""{"event":"media","sequence_number":"{{chunk + 1}}","media":{"track":"{{track}}","chunk":"{{chunk}}","timestamp":"{{chunk * 20}}","payload":"{{Convert.ToBase64String(payload)}}"},"stream_id":"32DE"}""";

    private const string Stop = """{"event":"stop","sequence_number":"99","stop":{"user_id":"u","call_control_id":"v3:ctl"},"stream_id":"32DE"}""";

    private sealed class Harness : IAsyncDisposable
    {
        public Harness(Func<string, CancellationToken, Task>? hangUp = null, TelnyxMediaStreamOptions? options = null)
        {
            Stream = new TelnyxMediaStream(Pair.Server, options ?? new TelnyxMediaStreamOptions(), NullLogger<TelnyxMediaStream>.Instance, hangUpCall: hangUp);
            Run = Stream.RunAsync(Handler, CancellationToken.None);
        }

        public WebSocketPair Pair { get; } = new();

        public RecordingPhoneHandler Handler { get; } = new();

        public TelnyxMediaStream Stream { get; }

        public Task Run { get; }

        public async Task StopAsync()
        {
            await Pair.SendAsync(Stop);
            await Run.WaitAsync(TimeSpan.FromSeconds(20));
        }

        public async ValueTask DisposeAsync()
        {
            await Stream.DisposeAsync();
            Pair.Dispose();
        }
    }

    [Theory]
    [InlineData("PCMU", 8000, PhoneEncoding.MuLaw)]
    [InlineData("PCMA", 8000, PhoneEncoding.ALaw)]
    [InlineData("L16", 16000, PhoneEncoding.L16)]
    public async Task StartNegotiatesTheFormat(string encoding, int rate, PhoneEncoding expected)
    {
        await using var h = new Harness();
        await h.Pair.SendAsync(Connected);
        await h.Pair.SendAsync(Start(encoding, rate));

        var start = await h.Handler.Started.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(new PhoneAudioFormat(expected, rate), start.Format);
        Assert.Equal("v3:ctl", start.ProviderCallId);
        Assert.Equal("32DE0DEA-53CB-4B21-89A4-9E1819C043BC", start.StreamId);
        Assert.Equal("aGk=", start.CustomParameters["client_state"]);
        Assert.Equal("v3:ctl", h.Stream.CallControlId);
        await h.StopAsync();
    }

    [Fact]
    public async Task MuLawMediaIsDecoded()
    {
        await using var h = new Harness();
        await h.Pair.SendAsync(Start("PCMU", 8000));
        byte[] payload = [0x00, 0x7F, 0x80, 0xFF, 0x0F, 0x8F];
        await h.Pair.SendAsync(Media(1, payload));
        await h.StopAsync();

        Assert.Equal(new short[] { -32124, 0, 32124, 0, -16764, 16764 }, h.Handler.AllAudio);
    }

    [Fact]
    public async Task ALawMediaIsDecoded()
    {
        await using var h = new Harness();
        await h.Pair.SendAsync(Start("PCMA", 8000));
        await h.Pair.SendAsync(Media(1, [0x2A, 0xAA, 0x55, 0xD5]));
        await h.StopAsync();

        Assert.Equal(new short[] { -32256, 32256, -8, 8 }, h.Handler.AllAudio);
    }

    [Fact]
    public async Task L16MediaIsBigEndian()
    {
        await using var h = new Harness();
        await h.Pair.SendAsync(Start("L16", 16000));
        await h.Pair.SendAsync(Media(1, [0x12, 0x34, 0xFF, 0xFE, 0x80, 0x00]));
        await h.StopAsync();

        Assert.Equal(new short[] { 0x1234, -2, short.MinValue }, h.Handler.AllAudio);
    }

    [Fact]
    public async Task OutOfOrderChunksReachTheHandlerInOrder()
    {
        await using var h = new Harness();
        await h.Pair.SendAsync(Start("PCMU", 8000));
        foreach (var chunk in new long[] { 1, 2, 4, 3, 5, 7, 6 })
        {
            await h.Pair.SendAsync(Media(chunk, [G711.MuLawEncode((short)(chunk * 1000))]));
        }

        await h.StopAsync();

        var expected = Enumerable.Range(1, 7).Select(c => G711.MuLawDecode(G711.MuLawEncode((short)(c * 1000)))).ToArray();
        Assert.Equal(expected, h.Handler.AllAudio);
    }

    [Fact]
    public async Task EventsBeforeStartOutboundTrackAndNoiseAreSkippedWithoutEndingTheStream()
    {
        await using var h = new Harness();
        await h.Pair.SendAsync(Media(1, [0x00]));
        await h.Pair.SendAsync("""{"event":"dtmf","dtmf":{"digit":"1"}}""");
        await h.Pair.SendAsync(Start("PCMU", 8000));
        await h.Pair.SendAsync(Start("PCMA", 8000));
        await h.Pair.SendAsync("not json");
        await h.Pair.SendAsync("""{"event":"media","media":{"payload":"%%%"}}""");
        await h.Pair.SendAsync("""{"event":"hello"}""");
        await h.Pair.SendAsync("[1,2]");
        await h.Pair.SendAsync("""{"event":"error","payload":{"code":100003,"title":"malformed_frame","detail":"x"},"stream_id":"s"}""");
        await h.Pair.Client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        await h.Pair.SendAsync(Media(2, [0x80], track: "outbound"));
        await h.Pair.SendAsync("""{"event":"dtmf","stream_id":"s","occurred_at":"2025-06-05T08:54:19.698408Z","sequence_number":"5","dtmf":{"digit":"#"}}""");
        await h.Pair.SendAsync("""{"event":"dtmf","dtmf":{"digit":"x"}}""");
        await h.Pair.SendAsync("""{"event":"mark","sequence_number":"5","mark":{"name":"greeting"},"stream_id":"s"}""");
        await h.Pair.SendAsync(Media(3, [0xFF]));
        await h.StopAsync();

        Assert.Equal(1, h.Handler.StartCount);
        Assert.Equal(PhoneEncoding.MuLaw, h.Stream.Format!.Value.Encoding);
        Assert.Equal(['#'], h.Handler.Digits);
        Assert.Equal(["greeting"], h.Handler.Marks);
        Assert.Equal(new short[] { 0 }, h.Handler.AllAudio);
    }

    [Fact]
    public async Task AnUnsupportedFormatClosesTheSocket()
    {
        await using var h = new Harness();
        await h.Pair.SendAsync(Start("G722", 8000));

        await h.Run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Null(await h.Pair.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, h.Pair.Client.CloseStatus);
        Assert.Equal(0, h.Handler.StartCount);
    }

    [Fact]
    public async Task AnOversizedMessageClosesWith1009()
    {
        await using var h = new Harness(options: new TelnyxMediaStreamOptions { MaxMessageBytes = 1024 });
        await h.Pair.SendAsync(Start("PCMU", 8000));
        await h.Pair.SendAsync(Media(1, new byte[4096]));

        await h.Run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Null(await h.Pair.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, h.Pair.Client.CloseStatus);
    }

    [Theory]
    [InlineData("PCMU", 8000)]
    [InlineData("PCMA", 8000)]
    [InlineData("L16", 16000)]
    public async Task OutboundAudioIsSentIn20MsFramesOfTheNegotiatedCodec(string encoding, int rate)
    {
        await using var h = new Harness();
        await h.Pair.SendAsync(Start(encoding, rate));
        var start = await h.Handler.Started.WaitAsync(TimeSpan.FromSeconds(20));
        var samplesPerFrame = rate / 50;
        var pcm = Enumerable.Range(0, samplesPerFrame * 2).Select(i => (short)(Math.Sin(i * 0.05) * 12000)).ToArray();

        // Uneven pieces: the stream regroups them into exact 20 ms frames.
        h.Stream.OnFrame(pcm.AsSpan(0, 7));
        h.Stream.OnFrame(pcm.AsSpan(7, samplesPerFrame + 3));
        h.Stream.OnFrame(pcm.AsSpan(samplesPerFrame + 10));

        var payloads = new List<byte[]>();
        for (var i = 0; i < 2; i++)
        {
            using var json = JsonDocument.Parse((await h.Pair.ReceiveAsync())!);
            Assert.Equal("media", json.RootElement.GetProperty("event").GetString());
            Assert.False(json.RootElement.TryGetProperty("stream_id", out _));
            payloads.Add(json.RootElement.GetProperty("media").GetProperty("payload").GetBytesFromBase64());
        }

        var expected = new byte[pcm.Length * (encoding == "L16" ? 2 : 1)];
        _ = start.Format.Encoding switch
        {
            PhoneEncoding.MuLaw => G711.MuLawEncode(pcm, expected),
            PhoneEncoding.ALaw => G711.ALawEncode(pcm, expected),
            _ => L16.EncodeBigEndian(pcm, expected),
        };
        Assert.All(payloads, p => Assert.Equal(expected.Length / 2, p.Length));
        Assert.Equal(expected, payloads.SelectMany(p => p).ToArray());
        if (encoding == "L16")
        {
            // Network byte order: high byte first.
            Assert.Equal((byte)((ushort)pcm[1] >> 8), payloads[0][2]);
        }

        await h.StopAsync();
    }

    [Fact]
    public async Task AMarkFollowsPaddedAudioAndClearDropsQueuedMedia()
    {
        await using var h = new Harness();
        await h.Pair.SendAsync(Start("PCMU", 8000));
        await h.Handler.Started.WaitAsync(TimeSpan.FromSeconds(20));

        h.Stream.OnFrame(Enumerable.Repeat((short)1000, 100).ToArray());
        h.Stream.SendMark("m1");
        var media = JsonDocument.Parse((await h.Pair.ReceiveAsync())!);
        var payload = media.RootElement.GetProperty("media").GetProperty("payload").GetBytesFromBase64();
        Assert.Equal(160, payload.Length);
        Assert.All(payload[..100], b => Assert.Equal(G711.MuLawEncode(1000), b));
        Assert.All(payload[100..], b => Assert.Equal(G711.MuLawSilence, b));
        Assert.Equal("""{"event":"mark","mark":{"name":"m1"}}""", await h.Pair.ReceiveAsync());

        h.Stream.Clear();
        Assert.Equal("""{"event":"clear"}""", await h.Pair.ReceiveAsync());
        await h.StopAsync();
    }

    [Fact]
    public async Task NothingIsSentBeforeStart()
    {
        await using var h = new Harness();
        h.Stream.OnFrame(new short[160]);
        h.Stream.SendMark("early");
        h.Stream.Clear();
        await h.StopAsync();

        Assert.Null(await h.Pair.ReceiveAsync());
        Assert.Equal(0, h.Stream.FramesSent);
    }

    [Fact]
    public async Task HangUpClosesTheSocketAndHangsUpThroughCallControl()
    {
        var hungUp = new TaskCompletionSource<string>();
        await using var h = new Harness(hangUp: (id, _) =>
        {
            hungUp.TrySetResult(id);
            return Task.CompletedTask;
        });
        await h.Pair.SendAsync(Start("PCMU", 8000, controlId: "v3:to-end"));
        await h.Handler.Started.WaitAsync(TimeSpan.FromSeconds(20));

        var hangUp = h.Stream.HangUpAsync("agent ended the call", CancellationToken.None).AsTask();
        Assert.Null(await h.Pair.ReceiveAsync());
        await h.Pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await hangUp.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("v3:to-end", await hungUp.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        await h.Run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ThePeerClosingEndsTheRun()
    {
        await using var h = new Harness();
        await h.Pair.SendAsync(Start("PCMU", 8000));
        await h.Pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "gone", CancellationToken.None);

        await h.Run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task CancellationEndsTheRunWithACleanClose()
    {
        using var pair = new WebSocketPair();
        using var cts = new CancellationTokenSource();
        await using var stream = new TelnyxMediaStream(pair.Server, new TelnyxMediaStreamOptions(), NullLogger<TelnyxMediaStream>.Instance);
        var run = stream.RunAsync(new RecordingPhoneHandler(), cts.Token);
        await pair.SendAsync(Start("PCMU", 8000));

        cts.Cancel();
        Assert.Null(await pair.ReceiveAsync());
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "ok", CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }
}
