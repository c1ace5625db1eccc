using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc.Dtls;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>Real DTLS 1.2 flights, captured from one handshake between two of our transports in memory.</summary>
internal static class DtlsSeeds
{
    private static readonly Lazy<(List<byte[]> Client, DtlsCertificate ClientCertificate)> Captured = new(Capture);

    /// <summary>Datagrams the client sent (ClientHello, then Certificate … Finished).</summary>
    public static List<byte[]> ClientFlights() => Captured.Value.Client;

    /// <summary>The certificate the captured client presented, so a server can expect its fingerprint.</summary>
    public static DtlsCertificate ClientCertificate => Captured.Value.ClientCertificate;

    private static (List<byte[]>, DtlsCertificate) Capture()
    {
        var clientCert = DtlsCertificate.CreateEcdsaP256(TimeProvider.System);
        var serverCert = DtlsCertificate.CreateEcdsaP256(TimeProvider.System);
        var fromClient = new ConcurrentQueue<byte[]>();
        DtlsTransport? client = null;
        DtlsTransport? server = null;
        client = new DtlsTransport(DtlsRole.Client, clientCert, serverCert.SdpFingerprint, (d, _) =>
        {
            fromClient.Enqueue(d.ToArray());
            server!.OnDatagram(d.Span);
            return ValueTask.CompletedTask;
        }, NullLogger.Instance, TimeProvider.System);
        server = new DtlsTransport(DtlsRole.Server, serverCert, clientCert.SdpFingerprint, (d, _) =>
        {
            client.OnDatagram(d.Span);
            return ValueTask.CompletedTask;
        }, NullLogger.Instance, TimeProvider.System);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var handshakes = Task.WhenAll(server.HandshakeAsync(timeout.Token), client.HandshakeAsync(timeout.Token));
        handshakes.GetAwaiter().GetResult();
        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return ([.. fromClient], clientCert);
    }
}
