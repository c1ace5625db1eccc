using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc.Dtls;

namespace PhoneBridge.Rtc.Tests.Dtls;

/// <summary>Two transports wired back to back in memory, with an optional filter that can drop or alter datagrams.</summary>
internal sealed class DtlsPair : IAsyncDisposable
{
    private static readonly Lazy<DtlsCertificate> SharedA = new(() => DtlsCertificate.CreateEcdsaP256(TimeProvider.System));
    private static readonly Lazy<DtlsCertificate> SharedB = new(() => DtlsCertificate.CreateEcdsaP256(TimeProvider.System));
    private int _sent;

    public DtlsPair(DtlsTransportOptions? clientOptions = null, DtlsTransportOptions? serverOptions = null,
        string? clientExpects = null, string? serverExpects = null, Func<int, byte[], byte[]?>? filter = null,
        ILogger? serverLogger = null)
    {
        ClientCertificate = SharedA.Value;
        ServerCertificate = SharedB.Value;
        Filter = filter;
        Client = new DtlsTransport(DtlsRole.Client, ClientCertificate, clientExpects ?? ServerCertificate.SdpFingerprint,
            (d, _) => Deliver(d, () => Server!), NullLogger.Instance, TimeProvider.System, clientOptions ?? new DtlsTransportOptions());
        Server = new DtlsTransport(DtlsRole.Server, ServerCertificate, serverExpects ?? ClientCertificate.SdpFingerprint,
            (d, _) => Deliver(d, () => Client), serverLogger ?? NullLogger.Instance, TimeProvider.System, serverOptions ?? new DtlsTransportOptions());
    }

    public DtlsCertificate ClientCertificate { get; }

    public DtlsCertificate ServerCertificate { get; }

    public DtlsTransport Client { get; }

    public DtlsTransport Server { get; }

    public Func<int, byte[], byte[]?>? Filter { get; set; }

    public int Sent => Volatile.Read(ref _sent);

    private ValueTask Deliver(ReadOnlyMemory<byte> datagram, Func<DtlsTransport> to)
    {
        int n = Interlocked.Increment(ref _sent);
        byte[]? data = datagram.ToArray();
        if (Filter is { } filter)
        {
            data = filter(n, data);
        }

        if (data is not null)
        {
            to().OnDatagram(data);
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}
