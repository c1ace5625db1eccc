using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Telnyx;

namespace PhoneBridge.Telnyx.Tests.EndToEnd;

/// <summary>Whole calls over loopback: signed webhook, answer, media socket, echo edge and back.</summary>
public sealed class TelnyxEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("PCMU", "PCMU", 8000, 30.0)]
    [InlineData("PCMA", "PCMA", 8000, 30.0)]
    [InlineData("L16", "PCMU", 8000, 30.0)]   // answered calls cannot get a 16 kHz two-way L16 stream
    public async Task EachCodecBridgesThroughTheEchoEdge(string configured, string codec, int rate, double minSnrDb)
    {
        await using var host = await TelnyxBridgeHost.StartAsync(configured);
        await using var pacer = new FramePacer(TimeProvider.System);
        var signal = AudioQuality.Signal(rate, TimeSpan.FromSeconds(1.6));

        await using var call = await host.Phone.RingAsync(CancellationToken.None);
        Assert.Equal(codec, call.Codec);
        Assert.Equal(rate, call.SampleRate);
        call.Play(signal, pacer);
        await call.PlaybackCompleted.WaitAsync(Timeout);
        await WaitForAsync(() => call.Recording().Length >= signal.Length * 0.8);
        await host.Phone.HangUpAsync(call, CancellationToken.None);

        var (_, correlation, snr) = AudioQuality.Compare(signal, call.Recording(), rate);
        Assert.True(correlation > 0.95, $"{codec}: correlation {correlation:0.000}");
        Assert.True(snr > minSnrDb, $"{codec}: SNR {snr:0.0} dB");
        Assert.Equal(0, call.InvalidMessagesReceived);
        await WaitForAsync(() => host.Registry.Count == 0 && host.Tracker.Count == 0);
    }

    [Fact]
    public async Task ChunksDeliveredOutOfOrderAreBridgedInOrder()
    {
        await using var host = await TelnyxBridgeHost.StartAsync("PCMU");
        await using var pacer = new FramePacer(TimeProvider.System);
        var signal = AudioQuality.Signal(8000, TimeSpan.FromSeconds(1.2));

        await using var call = await host.Phone.RingAsync(CancellationToken.None);
        call.Play(signal, pacer, swapNeighbours: true);
        await call.PlaybackCompleted.WaitAsync(Timeout);
        await WaitForAsync(() => call.Recording().Length >= signal.Length * 0.8);
        await host.Phone.HangUpAsync(call, CancellationToken.None);

        var (_, correlation, _) = AudioQuality.Compare(signal, call.Recording(), 8000);
        Assert.True(correlation > 0.95, $"correlation {correlation:0.000}");
    }

    [Fact]
    public async Task HangupThroughTheApiEndsTheCallAtTelnyxAndClosesTheStream()
    {
        await using var host = await TelnyxBridgeHost.StartAsync("PCMU");
        await using var call = await host.Phone.RingAsync(CancellationToken.None);
        await WaitForAsync(() => host.Registry.Count == 1);

        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/telnyx/calls/{Uri.EscapeDataString(call.CallControlId)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TelnyxBridgeHost.BridgeApiKey);
        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await host.Api.WaitForAsync("hangup", call.CallControlId, Timeout);
        Assert.False(host.Api.IsLive(call.CallControlId));
        await call.WaitClosedAsync(Timeout, CancellationToken.None);
        await WaitForAsync(() => host.Registry.Count == 0);

        // Hanging up again: Telnyx says the call already ended.
        using var again = new HttpRequestMessage(HttpMethod.Delete, $"/telnyx/calls/{Uri.EscapeDataString(call.CallControlId)}");
        again.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TelnyxBridgeHost.BridgeApiKey);
        using var second = await host.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotFound, second.StatusCode);
    }

    [Fact]
    public async Task CallerHangupReleasesEverything()
    {
        await using var host = await TelnyxBridgeHost.StartAsync("PCMA");
        await using var call = await host.Phone.RingAsync(CancellationToken.None);
        await WaitForAsync(() => host.Registry.Count == 1);

        await host.Phone.HangUpAsync(call, CancellationToken.None);

        await WaitForAsync(() => host.Registry.Count == 0 && host.Tracker.Count == 0);
    }

    [Fact]
    public async Task AMediaUrlCannotBeUsedTwiceOrWithAWrongToken()
    {
        await using var host = await TelnyxBridgeHost.StartAsync("PCMU");
        await using var call = await host.Phone.RingAsync(CancellationToken.None);
        var answer = host.Api.Accepted.Single(c => c.Action == "answer");
        var path = new Uri(answer.String("stream_url")!).AbsolutePath;
        var ws = new UriBuilder(host.Server) { Scheme = "ws", Path = path }.Uri;

        using var reuse = new System.Net.WebSockets.ClientWebSocket();
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => reuse.ConnectAsync(ws, CancellationToken.None));

        var forged = new UriBuilder(ws) { Path = path[..path.LastIndexOf('/')] + "/forged-token" }.Uri;
        using var wrong = new System.Net.WebSockets.ClientWebSocket();
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => wrong.ConnectAsync(forged, CancellationToken.None));

        using var plain = await host.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
    }

    [Fact]
    public async Task OutboundCallsAreDialedWithTheStreamAndBridgedWhenAnswered()
    {
        await using var host = await TelnyxBridgeHost.StartAsync("L16");
        using var unauthorised = await host.Http.PostAsJsonAsync("/telnyx/calls", new { to = "+15559870000", from = "+15551230000" });
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/telnyx/calls")
        {
            Content = JsonContent.Create(new { to = "+15559870000", from = "+15551230000" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TelnyxBridgeHost.BridgeApiKey);
        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var callControlId = created.RootElement.GetProperty("callControlId").GetString()!;
        var dial = host.Api.Accepted.Single(c => c.Action == "dial");
        Assert.Equal(callControlId, dial.CallControlId);
        Assert.Equal("e2e-connection", dial.String("connection_id"));
        Assert.Equal("+15559870000", dial.String("to"));
        Assert.Equal("L16", dial.String("stream_bidirectional_codec"));
        Assert.Equal(16000, dial.Body.GetProperty("stream_bidirectional_sampling_rate").GetInt32());
        Assert.Equal("rtp", dial.String("stream_bidirectional_mode"));
        Assert.Equal(1, host.Registry.Count);

        // The callee answers: Telnyx opens the media socket named in the dial.
        var streamUrl = new Uri(dial.String("stream_url")!);
        var direct = new UriBuilder(host.Server) { Scheme = "ws", Path = streamUrl.AbsolutePath }.Uri;
        await using var call = await Simulator.Telnyx.TelnyxMediaCall.ConnectAsync(direct, callControlId, "L16", TimeProvider.System, CancellationToken.None);
        await using var pacer = new FramePacer(TimeProvider.System);
        var signal = AudioQuality.Signal(16000, TimeSpan.FromSeconds(0.6));
        call.Play(signal, pacer);
        await call.PlaybackCompleted.WaitAsync(Timeout);
        await WaitForAsync(() => call.Recording().Length >= signal.Length * 0.6);

        // The agent side ends the call: hangup through Call Control, and the stream is closed.
        using var hangup = new HttpRequestMessage(HttpMethod.Delete, $"/telnyx/calls/{Uri.EscapeDataString(callControlId)}");
        hangup.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TelnyxBridgeHost.BridgeApiKey);
        using var hungUp = await host.Http.SendAsync(hangup);
        Assert.Equal(HttpStatusCode.NoContent, hungUp.StatusCode);
        await call.WaitClosedAsync(Timeout, CancellationToken.None);
        await WaitForAsync(() => host.Registry.Count == 0);
    }

    [Fact]
    public async Task DialedL16CallOnAPcmuLegIsAnsweredInTheAnnouncedPcmu()
    {
        await using var host = await TelnyxBridgeHost.StartAsync("L16");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/telnyx/calls")
        {
            Content = JsonContent.Create(new { to = "+15559870000", from = "+15551230000" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TelnyxBridgeHost.BridgeApiKey);
        using var response = await host.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var dial = host.Api.Accepted.Single(c => c.Action == "dial");
        Assert.Equal("L16", dial.String("stream_bidirectional_codec"));

        // Telnyx cannot transcode the callee's PCMU leg to L16: start announces PCMU at 8 kHz, and that is what
        // must come back (L16 at 16 kHz decoded as PCMU would be four times too long and noise).
        var codec = TelnyxPhone.AnnouncedCodec("L16", legCodec: "PCMU");
        Assert.Equal("PCMU", codec);
        var direct = new UriBuilder(host.Server) { Scheme = "ws", Path = new Uri(dial.String("stream_url")!).AbsolutePath }.Uri;
        await using var call = await TelnyxMediaCall.ConnectAsync(direct, dial.CallControlId, codec, TimeProvider.System, CancellationToken.None);
        Assert.Equal(8000, call.SampleRate);
        await using var pacer = new FramePacer(TimeProvider.System);
        var signal = AudioQuality.Signal(8000, TimeSpan.FromSeconds(1.2));
        call.Play(signal, pacer);
        await call.PlaybackCompleted.WaitAsync(Timeout);
        await WaitForAsync(() => call.Recording().Length >= signal.Length * 0.8);
        await host.Phone.HangUpAsync(call, CancellationToken.None);

        var (_, correlation, snr) = AudioQuality.Compare(signal, call.Recording(), 8000);
        Assert.True(correlation > 0.95, $"correlation {correlation:0.000}");
        Assert.True(snr > 30.0, $"SNR {snr:0.0} dB");
        Assert.Equal(0, call.InvalidMessagesReceived);
        Assert.InRange(call.Recording().Length, signal.Length * 0.8, signal.Length * 1.5);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
