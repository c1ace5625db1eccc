using Microsoft.Extensions.Logging;
using PhoneBridge.Rtc.Dtls;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Tests.Dtls;

public class DtlsTransportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static CancellationToken Timeout() => new CancellationTokenSource(Patience).Token;

    [Fact]
    public async Task Handshake_BothRoles_AgreeOnKeys_PreferGcm_AndNegotiateEms()
    {
        await using var pair = new DtlsPair();
        var ct = Timeout();
        Task<SrtpKeyingMaterial> server = pair.Server.HandshakeAsync(ct);
        Task<SrtpKeyingMaterial> client = pair.Client.HandshakeAsync(ct);
        SrtpKeyingMaterial clientKeys = await client;
        SrtpKeyingMaterial serverKeys = await server;

        Assert.Equal(SrtpProfile.AeadAes128Gcm, clientKeys.Profile);
        Assert.Equal(SrtpProfile.AeadAes128Gcm, serverKeys.Profile);
        Assert.Equal(clientKeys.ClientMasterKey.ToArray(), serverKeys.ClientMasterKey.ToArray());
        Assert.Equal(clientKeys.ServerMasterKey.ToArray(), serverKeys.ServerMasterKey.ToArray());
        Assert.Equal(clientKeys.ClientMasterSalt.ToArray(), serverKeys.ClientMasterSalt.ToArray());
        Assert.Equal(clientKeys.ServerMasterSalt.ToArray(), serverKeys.ServerMasterSalt.ToArray());
        Assert.NotEqual(clientKeys.ClientMasterKey.ToArray(), clientKeys.ServerMasterKey.ToArray());
        Assert.True(pair.Client.ExtendedMasterSecret);
        Assert.True(pair.Server.ExtendedMasterSecret);
        Assert.Equal(DtlsTransportState.Connected, pair.Client.State);
        Assert.Equal(DtlsTransportState.Connected, pair.Server.State);
        Assert.Equal(SrtpProfile.AeadAes128Gcm, pair.Client.SrtpProfile);
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public async Task ExportedKeys_CarryAudioBothWays(SrtpProfile profile)
    {
        // The client only offers one profile, so the server must pick it.
        await using var pair = new DtlsPair(clientOptions: new DtlsTransportOptions { SrtpProfiles = [profile] });
        var ct = Timeout();
        Task<SrtpKeyingMaterial> server = pair.Server.HandshakeAsync(ct);
        SrtpKeyingMaterial clientKeys = await pair.Client.HandshakeAsync(ct);
        SrtpKeyingMaterial serverKeys = await server;
        Assert.Equal(profile, clientKeys.Profile);

        using var clientSrtp = SrtpSession.Create(clientKeys, isClient: true);
        using var serverSrtp = SrtpSession.Create(serverKeys, isClient: false);
        byte[] packet = new byte[200];
        packet[0] = 0x80;
        packet[1] = 111;
        packet[11] = 1;
        packet.AsSpan(12, 100).Fill(0x42);

        int n = clientSrtp.ProtectRtp(packet, 112);
        Assert.True(serverSrtp.TryUnprotectRtp(packet, n, out int plain));
        Assert.Equal(112, plain);
        n = serverSrtp.ProtectRtp(packet, plain);
        Assert.True(clientSrtp.TryUnprotectRtp(packet, n, out plain));
        Assert.All(packet[12..112], b => Assert.Equal(0x42, b));
    }

    [Fact]
    public async Task Server_PicksItsPreferenceAmongTheClientOffer()
    {
        await using var pair = new DtlsPair(serverOptions: new DtlsTransportOptions { SrtpProfiles = [SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AeadAes128Gcm] });
        var ct = Timeout();
        Task<SrtpKeyingMaterial> server = pair.Server.HandshakeAsync(ct);
        Assert.Equal(SrtpProfile.AesCm128HmacSha1_80, (await pair.Client.HandshakeAsync(ct)).Profile);
        await server;
    }

    [Fact]
    public async Task NoCommonSrtpProfile_FailsBothSides()
    {
        await using var pair = new DtlsPair(
            clientOptions: new DtlsTransportOptions { SrtpProfiles = [SrtpProfile.AesCm128HmacSha1_80] },
            serverOptions: new DtlsTransportOptions { SrtpProfiles = [SrtpProfile.AeadAes128Gcm] });
        var ct = Timeout();
        Task<SrtpKeyingMaterial> server = pair.Server.HandshakeAsync(ct);
        await Assert.ThrowsAsync<DtlsHandshakeException>(() => pair.Client.HandshakeAsync(ct));
        await Assert.ThrowsAsync<DtlsHandshakeException>(() => server);
    }

    [Fact]
    public async Task ClientRejectsServerWhoseCertificateDoesNotMatchTheSdp()
    {
        string wrong = DtlsCertificate.CreateEcdsaP256(TimeProvider.System).SdpFingerprint;
        await using var pair = new DtlsPair(clientExpects: wrong);
        var ct = Timeout();
        Task<SrtpKeyingMaterial> server = pair.Server.HandshakeAsync(ct);

        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => pair.Client.HandshakeAsync(ct));
        Assert.Contains("fingerprint", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DtlsHandshakeException>(() => server);
        Assert.Equal(DtlsTransportState.Failed, pair.Client.State);
        Assert.Equal(DtlsTransportState.Failed, pair.Server.State);
        Assert.Null(pair.Client.SrtpProfile);
    }

    [Fact]
    public async Task ServerRejectsClientWhoseCertificateDoesNotMatchTheSdp()
    {
        string wrong = DtlsCertificate.CreateEcdsaP256(TimeProvider.System).SdpFingerprint;
        await using var pair = new DtlsPair(serverExpects: wrong);
        var ct = Timeout();
        Task<SrtpKeyingMaterial> server = pair.Server.HandshakeAsync(ct);
        Task<SrtpKeyingMaterial> client = pair.Client.HandshakeAsync(ct);

        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server);
        Assert.Contains("fingerprint", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DtlsHandshakeException>(() => client);
        Assert.Null(pair.Server.SrtpProfile);
    }

    [Fact]
    public async Task LostFlights_AreRetransmitted()
    {
        // Drop the first ClientHello and the first server flight once; BouncyCastle's timer resends them.
        var dropped = new HashSet<int> { 1, 3 };
        await using var pair = new DtlsPair(filter: (n, d) => dropped.Contains(n) ? null : d);
        var ct = Timeout();
        Task<SrtpKeyingMaterial> server = pair.Server.HandshakeAsync(ct);
        SrtpKeyingMaterial keys = await pair.Client.HandshakeAsync(ct);
        Assert.Equal((await server).ClientMasterKey.ToArray(), keys.ClientMasterKey.ToArray());
    }

    [Fact]
    public async Task GarbageDatagramsDuringTheHandshake_AreIgnored()
    {
        await using var pair = new DtlsPair();
        var random = new Random(5);
        for (int i = 0; i < 50; i++)
        {
            byte[] junk = new byte[random.Next(0, 300)];
            random.NextBytes(junk);
            if (junk.Length > 0)
            {
                junk[0] = (byte)random.Next(20, 64);
            }

            pair.Server.OnDatagram(junk);
        }

        var ct = Timeout();
        Task<SrtpKeyingMaterial> server = pair.Server.HandshakeAsync(ct);
        await pair.Client.HandshakeAsync(ct);
        await server;
    }

    [Fact]
    public async Task GarbageAfterTheHandshake_IsDroppedAndTheConnectionSurvives()
    {
        await using var pair = new DtlsPair();
        var ct = Timeout();
        Task<SrtpKeyingMaterial> server = pair.Server.HandshakeAsync(ct);
        await pair.Client.HandshakeAsync(ct);
        await server;

        var random = new Random(11);
        for (int i = 0; i < 200; i++)
        {
            byte[] junk = new byte[random.Next(1, 400)];
            random.NextBytes(junk);
            junk[0] = (byte)random.Next(20, 26);
            pair.Client.OnDatagram(junk);
            pair.Server.OnDatagram(junk);
        }

        // Records are processed off the caller's thread; a close_notify afterwards must still get through.
        var closed = new TaskCompletionSource<DtlsTransportState>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.Server.StateChanged += s => closed.TrySetResult(s);
        Assert.Equal(DtlsTransportState.Connected, pair.Server.State);
        await pair.Client.DisposeAsync();
        Assert.Equal(DtlsTransportState.Closed, await closed.Task.WaitAsync(Patience));
    }

    [Fact]
    public async Task CloseNotify_ClosesThePeer()
    {
        await using var pair = new DtlsPair();
        var ct = Timeout();
        Task<SrtpKeyingMaterial> server = pair.Server.HandshakeAsync(ct);
        await pair.Client.HandshakeAsync(ct);
        await server;

        var closed = new TaskCompletionSource<DtlsTransportState>(TaskCreationOptions.RunContinuationsAsynchronously);
        pair.Server.StateChanged += s => closed.TrySetResult(s);
        await pair.Client.DisposeAsync();

        Assert.Equal(DtlsTransportState.Closed, await closed.Task.WaitAsync(Patience));
        Assert.Equal(DtlsTransportState.Closed, pair.Client.State);
    }

    [Fact]
    public async Task AnOrderlyClose_IsNotReportedAsAFailure()
    {
        // Every call ends this way; a warning per call end would drown real receive failures in the logs.
        for (var i = 0; i < 20; i++)
        {
            var serverLog = new WarningCounter();
            await using var pair = new DtlsPair(serverLogger: serverLog);
            var ct = Timeout();
            Task<SrtpKeyingMaterial> server = pair.Server.HandshakeAsync(ct);
            await pair.Client.HandshakeAsync(ct);
            await server;

            var closed = new TaskCompletionSource<DtlsTransportState>(TaskCreationOptions.RunContinuationsAsynchronously);
            pair.Server.StateChanged += s => closed.TrySetResult(s);
            await pair.Client.DisposeAsync();

            Assert.Equal(DtlsTransportState.Closed, await closed.Task.WaitAsync(Patience));
            await pair.Server.DisposeAsync();
            Assert.Equal(0, serverLog.Warnings);
        }
    }

    private sealed class WarningCounter : ILogger
    {
        private int _warnings;

        public int Warnings => Volatile.Read(ref _warnings);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                Interlocked.Increment(ref _warnings);
            }
        }
    }

    [Fact]
    public async Task CancellingAHandshakeWithNoPeer_EndsItPromptly()
    {
        await using var pair = new DtlsPair(filter: (_, _) => null);
        using var cts = new CancellationTokenSource();
        Task<SrtpKeyingMaterial> client = pair.Client.HandshakeAsync(cts.Token);
        await Task.Delay(100);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.WaitAsync(Patience));
        Assert.Equal(DtlsTransportState.Closed, pair.Client.State);
    }

    [Fact]
    public async Task HandshakeTimesOut_WhenThePeerNeverAnswers()
    {
        var options = new DtlsTransportOptions { HandshakeTimeout = TimeSpan.FromSeconds(2) };
        await using var pair = new DtlsPair(clientOptions: options, filter: (_, _) => null);
        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => pair.Client.HandshakeAsync(Timeout()));
        Assert.Equal(DtlsTransportState.Failed, pair.Client.State);
        Assert.True(pair.Sent >= 2, "the ClientHello should have been retransmitted before giving up");
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public async Task SecondHandshake_IsRefused()
    {
        await using var pair = new DtlsPair(filter: (_, _) => null);
        using var cts = new CancellationTokenSource();
        Task first = pair.Client.HandshakeAsync(cts.Token);
        Assert.Throws<InvalidOperationException>(() => { _ = pair.Client.HandshakeAsync(cts.Token); });
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Patience));
    }
}
