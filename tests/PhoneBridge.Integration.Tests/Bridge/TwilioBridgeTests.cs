using System.Net;
using System.Net.WebSockets;
using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Bridge;

/// <summary>
/// The real server on loopback, driven by the simulator exactly as Twilio drives it, with the local
/// echo edge on the other side.
/// </summary>
public sealed class TwilioBridgeTests : IClassFixture<TwilioBridgeTests.SharedServer>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly BridgeServer _server;

    public TwilioBridgeTests(SharedServer shared)
    {
        ArgumentNullException.ThrowIfNull(shared);
        _server = shared.Server;
    }

    [Fact]
    public async Task EchoCallReturnsExactlyTheAudioSent()
    {
        using var http = _server.NewHttpClient();
        await using var pacer = new FramePacer(TimeProvider.System);
        var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(2));
        await using var call = await TwilioPhone.DialAsync(
            http, _server.Caller, TimeProvider.System, new TwilioMediaCallOptions { Record = true }, CancellationToken.None);

        call.Play(audio, audio.FrameCount, pacer);
        Assert.True(await call.WaitForEchoesAsync(Generous, CancellationToken.None), Describe(call.Report()));
        await call.HangUpAsync(Generous, CancellationToken.None);

        var report = call.Report();
        Assert.Equal(audio.FrameCount, report.FramesSent);
        Assert.True(report.FramesEchoed == report.FramesSent && report.FramesLost == 0, Describe(report));
        Assert.Equal(report.FramesSent, report.Latencies.Count);
        Assert.True(report.InvalidMessagesReceived == 0 && report.Failure is null && !report.ClosedByServer, Describe(report));
        // Everything that came back, in order, is what was sent (the echo may add nothing, drop nothing).
        var sent = Enumerable.Range(0, audio.FrameCount).SelectMany(i => audio.Frame(i).ToArray()).ToArray();
        Assert.Equal(Canonical(sent), Canonical(call.RecordedMuLaw()));
    }

    [Fact]
    public async Task DtmfAndMalformedMessagesDoNotEndTheCall()
    {
        using var http = _server.NewHttpClient();
        await using var pacer = new FramePacer(TimeProvider.System);
        var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(1));
        await using var call = await TwilioPhone.DialAsync(http, _server.Caller, TimeProvider.System, null, CancellationToken.None);

        await call.SendRawTextAsync("{not json", CancellationToken.None);
        await call.SendRawTextAsync($$$"""{"event":"surprise","streamSid":"{{{call.StreamSid}}}"}""", CancellationToken.None);
        await call.SendRawTextAsync($$$"""{"event":"media","streamSid":"{{{call.StreamSid}}}","media":{"payload":"%%%not base64%%%"}}""", CancellationToken.None);
        await call.SendRawTextAsync($$$"""{"event":"media","streamSid":"{{{call.StreamSid}}}"}""", CancellationToken.None);
        await call.SendRawTextAsync("[]", CancellationToken.None);
        await call.SendRawAsync(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, WebSocketMessageType.Binary, CancellationToken.None);
        await call.SendDtmfAsync('5', CancellationToken.None);

        call.Play(audio, audio.FrameCount, pacer);
        Assert.True(await call.WaitForEchoesAsync(Generous, CancellationToken.None), Describe(call.Report()));
        await call.HangUpAsync(Generous, CancellationToken.None);

        var report = call.Report();
        Assert.False(report.ClosedByServer, Describe(report));
        Assert.Equal(audio.FrameCount, report.FramesEchoed);
        Assert.Null(report.Failure);
    }

    [Fact]
    public async Task OversizedMessageIsRefusedWithoutHarmToTheServer()
    {
        using var http = _server.NewHttpClient();
        await using var call = await TwilioPhone.DialAsync(http, _server.Caller, TimeProvider.System, null, CancellationToken.None);

        var huge = new string('A', 4 * 1024 * 1024);
        try
        {
            await call.SendRawTextAsync($$$"""{"event":"media","streamSid":"{{{call.StreamSid}}}","media":{"payload":"{{{huge}}}"}}""", CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The server may close the socket while the message is still being written.
        }

        using var timeout = new CancellationTokenSource(Generous);
        await Task.WhenAny(call.Completion, Task.Delay(TimeSpan.FromSeconds(2), timeout.Token));
        var report = call.Report();
        if (call.Completion.IsCompleted)
        {
            // Refusing the message by closing is allowed, but cleanly: 1009 Message Too Big.
            Assert.Equal(WebSocketCloseStatus.MessageTooBig, report.CloseStatus);
        }

        await call.HangUpAsync(Generous, CancellationToken.None);
        await AssertServerStillBridgesAsync();
    }

    [Fact]
    public async Task WrongWebhookSignatureIsForbiddenAndRegistersNothing()
    {
        using var http = _server.NewHttpClient();
        var countBefore = _server.Registry.Count;

        var wrongToken = new TwilioWebhookClient(http, _server.Caller with { AuthToken = "not-the-token" });
        var (status, _) = await wrongToken.PostVoiceAsync(TwilioSids.NewCallSid(), null, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Forbidden, status);

        var noSignature = new TwilioWebhookClient(http, _server.Caller);
        (status, _) = await noSignature.PostVoiceAsync(TwilioSids.NewCallSid(), string.Empty, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Forbidden, status);

        var otherUrl = new TwilioWebhookClient(http, _server.Caller with { PublicUrl = new Uri("https://elsewhere.example/") });
        (status, _) = await otherUrl.PostVoiceAsync(TwilioSids.NewCallSid(), null, CancellationToken.None);
        Assert.Equal(HttpStatusCode.Forbidden, status);

        Assert.Equal(countBefore, _server.Registry.Count);
    }

    [Fact]
    public async Task BadTokenAndBadSignatureAreRefusedAtTheHandshake()
    {
        using var http = _server.NewHttpClient();
        var webhook = new TwilioWebhookClient(http, _server.Caller);
        var stream = await webhook.RingAsync(TwilioSids.NewCallSid(), CancellationToken.None);

        var segments = stream.Url.AbsolutePath.Split('/');
        segments[^1] = new string('x', segments[^1].Length);
        var wrongToken = stream with { Url = new UriBuilder(stream.Url) { Path = string.Join('/', segments) }.Uri };
        await AssertRefusedAsync(wrongToken, BridgeServer.AuthToken);
        await AssertRefusedAsync(stream, "not-the-token");

        // Neither attempt used up the registration: the real Twilio still gets in.
        await using var call = await TwilioMediaCall.ConnectAsync(
            stream, TwilioSids.NewCallSid(), _server.Caller.AccountSid, BridgeServer.AuthToken, TimeProvider.System, null, CancellationToken.None);
        await call.StartAsync(CancellationToken.None);
        await call.HangUpAsync(Generous, CancellationToken.None);
    }

    [Fact]
    public async Task ReusedTokenIsRefused()
    {
        using var http = _server.NewHttpClient();
        var webhook = new TwilioWebhookClient(http, _server.Caller);
        var stream = await webhook.RingAsync(TwilioSids.NewCallSid(), CancellationToken.None);
        await using var first = await TwilioMediaCall.ConnectAsync(
            stream, TwilioSids.NewCallSid(), _server.Caller.AccountSid, BridgeServer.AuthToken, TimeProvider.System, null, CancellationToken.None);
        await first.StartAsync(CancellationToken.None);

        await AssertRefusedAsync(stream, BridgeServer.AuthToken);

        await first.HangUpAsync(Generous, CancellationToken.None);
        await AssertRefusedAsync(stream, BridgeServer.AuthToken); // and after the call, too
    }

    [Fact]
    public async Task CallerHangupReleasesTheCall()
    {
        using var http = _server.NewHttpClient();
        await using var pacer = new FramePacer(TimeProvider.System);
        var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(1));
        var call = await TwilioPhone.DialAsync(http, _server.Caller, TimeProvider.System, null, CancellationToken.None);
        await using (call)
        {
            call.Play(audio, 1000, pacer); // longer than the test: the caller hangs up mid-stream
            await call.WaitForFirstEchoAsync(Generous);
            Assert.True((await _server.StatsAsync())?.ActiveCalls >= 1, "GET /stats does not count the call");

            await call.HangUpAsync(Generous, CancellationToken.None);
            Assert.Null(call.Report().Failure);
        }

        Assert.True(await Eventually.TrueAsync(() => _server.Registry.Count == 0), $"{_server.Registry.Count} calls still registered");
        Assert.True(await Eventually.TrueAsync(() => _server.ActiveCalls == 0), $"{_server.ActiveCalls} calls still active");
        Assert.Equal(0, (await _server.StatsAsync())?.ActiveCalls);
    }

    [Fact]
    public async Task CallerVanishingWithoutStopReleasesTheCall()
    {
        using var http = _server.NewHttpClient();
        var call = await TwilioPhone.DialAsync(http, _server.Caller, TimeProvider.System, null, CancellationToken.None);
        Assert.True(await Eventually.TrueAsync(() => _server.Registry.Count >= 1));

        await call.DisposeAsync(); // aborts the TCP connection: no stop, no close frame

        Assert.True(await Eventually.TrueAsync(() => _server.Registry.Count == 0), $"{_server.Registry.Count} calls still registered");
    }

    [Fact]
    public async Task ExpiredTokenIsRefused()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await BridgeServer.StartAsync(time);
        using var http = server.NewHttpClient();
        var stream = await new TwilioWebhookClient(http, server.Caller).RingAsync(TwilioSids.NewCallSid(), CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(10));

        var refused = await Assert.ThrowsAsync<HandshakeRefusedException>(() => TwilioMediaCall.ConnectAsync(
            stream, TwilioSids.NewCallSid(), server.Caller.AccountSid, BridgeServer.AuthToken, TimeProvider.System, null, CancellationToken.None));
        Assert.NotEqual(HttpStatusCode.SwitchingProtocols, refused.Status);
    }

    [Fact]
    public async Task ServerShutdownClosesTheSocketCleanly()
    {
        var server = await BridgeServer.StartAsync();
        await using var pacer = new FramePacer(TimeProvider.System);
        using var http = server.NewHttpClient();
        var call = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, null, CancellationToken.None);
        await using (call)
        {
            call.Play(CallerAudio.TestSignal(TimeSpan.FromSeconds(1)), 10_000, pacer);
            await call.WaitForFirstEchoAsync(Generous);

            await server.DisposeAsync();

            await call.Completion.WaitAsync(Generous);
            var report = call.Report();
            Assert.True(report.ClosedByServer, Describe(report));
            Assert.NotNull(report.CloseStatus);
            Assert.Null(report.Failure);
        }
    }

    private async Task AssertServerStillBridgesAsync()
    {
        using var http = _server.NewHttpClient();
        await using var pacer = new FramePacer(TimeProvider.System);
        var audio = CallerAudio.TestSignal(TimeSpan.FromMilliseconds(400));
        await using var call = await TwilioPhone.DialAsync(http, _server.Caller, TimeProvider.System, null, CancellationToken.None);
        call.Play(audio, audio.FrameCount, pacer);
        Assert.True(await call.WaitForEchoesAsync(Generous, CancellationToken.None), Describe(call.Report()));
        await call.HangUpAsync(Generous, CancellationToken.None);
    }

    private static async Task AssertRefusedAsync(TwimlConnectStream stream, string authToken)
    {
        var refused = await Assert.ThrowsAsync<HandshakeRefusedException>(() => TwilioMediaCall.ConnectAsync(
            stream, TwilioSids.NewCallSid(), "AC1", authToken, TimeProvider.System, null, CancellationToken.None));
        Assert.InRange((int)refused.Status, 400, 499);
    }

    private static byte[] Canonical(byte[] muLaw)
    {
        // What survives a trip through PCM: μ-law -0 (0x7F) comes back as +0 (0xFF).
        var pcm = new short[muLaw.Length];
        var codes = new byte[muLaw.Length];
        G711.MuLawDecode(muLaw, pcm);
        G711.MuLawEncode(pcm, codes);
        return codes;
    }

    private static string Describe(TwilioCallReport report) =>
        $"sent {report.FramesSent}, echoed {report.FramesEchoed}, lost {report.FramesLost}, received {report.BytesReceived} B, " +
        $"invalid {report.InvalidMessagesReceived} ({report.FirstInvalidMessage}), closed by server {report.ClosedByServer} " +
        $"{report.CloseStatus} {report.CloseDescription}, failure {report.Failure}";

    public sealed class SharedServer : IAsyncLifetime
    {
        public BridgeServer Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await BridgeServer.StartAsync();

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }
}
