using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using PhoneBridge.Rtc.Srtp;
using BcDtlsTransport = Org.BouncyCastle.Tls.DtlsTransport;

namespace PhoneBridge.Rtc.Dtls;

/// <summary>
/// DTLS 1.2 with use_srtp over the ICE data path (RFC 5764): feed received DTLS records to <see cref="OnDatagram"/>,
/// send through the callback, and <see cref="HandshakeAsync"/> returns SRTP keys only after the peer certificate
/// matched the SDP fingerprint. After the handshake it keeps answering retransmitted flights and turns close_notify
/// or a fatal alert into <see cref="DtlsTransportState.Closed"/> / <see cref="DtlsTransportState.Failed"/>.
/// </summary>
public sealed partial class DtlsTransport : IAsyncDisposable, IDtlsPeerObserver
{
    private readonly DtlsCertificate _local;
    private readonly DtlsFingerprint _remoteFingerprint;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DtlsTransportOptions _options;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly DtlsDatagramChannel _channel;
    private readonly Lock _bcLock = new();
    private BcDtlsTransport? _bc;
    private Task? _handshake;
    private int _pumping;
    private int _state;

    public DtlsTransport(DtlsRole role, DtlsCertificate local, string remoteFingerprint,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send, ILogger logger, TimeProvider time)
        : this(role, local, remoteFingerprint, send, logger, time, new DtlsTransportOptions())
    {
    }

    public DtlsTransport(DtlsRole role, DtlsCertificate local, string remoteFingerprint,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send, ILogger logger, TimeProvider time, DtlsTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        Role = role;
        _local = local;
        _remoteFingerprint = DtlsFingerprint.Parse(remoteFingerprint);
        _logger = logger;
        _time = time;
        _options = options;
        _channel = new DtlsDatagramChannel(send, _lifetime.Token);
    }

    public DtlsRole Role { get; }

    public DtlsTransportState State => (DtlsTransportState)Volatile.Read(ref _state);

    /// <summary>Raised on every state change, from the handshake or receive thread.</summary>
    public event Action<DtlsTransportState>? StateChanged;

    /// <summary>The negotiated SRTP profile once connected.</summary>
    public SrtpProfile? SrtpProfile { get; private set; }

    /// <summary>The negotiated TLS cipher suite (IANA number) once connected, for diagnostics.</summary>
    public int? CipherSuite { get; private set; }

    /// <summary>True when extended master secret (RFC 7627) was negotiated; always so once connected.</summary>
    public bool ExtendedMasterSecret { get; private set; }

    /// <summary>
    /// Feeds one received DTLS datagram (first byte 20..63, RFC 7983). Never blocks: records are queued for the
    /// handshake thread, or after the handshake processed on the thread pool.
    /// </summary>
    public void OnDatagram(ReadOnlySpan<byte> datagram)
    {
        DtlsTransportState state = State;
        if (state is DtlsTransportState.Closed or DtlsTransportState.Failed)
        {
            return;
        }

        _channel.Enqueue(datagram);
        if (state == DtlsTransportState.Connected && Interlocked.CompareExchange(ref _pumping, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static t => t.Pump(), this, preferLocal: false);
        }
    }

    /// <summary>
    /// Runs the handshake in this transport's role. Completes with the SRTP keys, or throws
    /// <see cref="DtlsHandshakeException"/> (including on a fingerprint mismatch, in which case no key is derived)
    /// or <see cref="OperationCanceledException"/>.
    /// </summary>
    public Task<SrtpKeyingMaterial> HandshakeAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, (int)DtlsTransportState.Connecting, (int)DtlsTransportState.New) != (int)DtlsTransportState.New)
        {
            throw new InvalidOperationException("The DTLS handshake was already started or the transport is closed.");
        }

        StateChanged?.Invoke(DtlsTransportState.Connecting);
        Task<SrtpKeyingMaterial> task = HandshakeCoreAsync(cancellationToken);
        _handshake = task;
        return task;
    }

    private async Task<SrtpKeyingMaterial> HandshakeCoreAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        CancellationToken ct = linked.Token;
        DtlsHandshakeLimiter limiter = _options.Limiter ?? DtlsHandshakeLimiter.Shared;
        try
        {
            await limiter.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            SetState(DtlsTransportState.Closed);
            throw;
        }

        try
        {
            // Cancelling closes the channel, which wakes the blocked handshake thread at once.
            using CancellationTokenRegistration registration = ct.Register(static c => ((DtlsDatagramChannel)c!).Close(), _channel);
            long started = _time.GetTimestamp();
            SrtpKeyingMaterial keys = await Task.Run(() => Handshake(ct), CancellationToken.None).ConfigureAwait(false);
            SrtpProfile = keys.Profile;
            DtlsTransportLog.Connected(_logger, Role, keys.Profile.RegisteredName(), CipherSuite ?? 0, _time.GetElapsedTime(started).TotalMilliseconds);
            SetState(DtlsTransportState.Connected);
            if (_channel.HasPending && Interlocked.CompareExchange(ref _pumping, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(static t => t.Pump(), this, preferLocal: false);
            }

            return keys;
        }
        finally
        {
            limiter.Release();
        }
    }

    private SrtpKeyingMaterial Handshake(CancellationToken ct)
    {
        var crypto = new BcTlsCrypto(new SecureRandom());
        int[] profiles = DtlsSrtpPolicy.ToProtectionProfiles(_options.SrtpProfiles);
        int timeout = (int)Math.Clamp(_options.HandshakeTimeout.TotalMilliseconds, 1, int.MaxValue);
        var settings = new DtlsSrtpPeerSettings(crypto, _local, _remoteFingerprint, profiles, timeout, this);
        try
        {
            BcDtlsTransport transport;
            SrtpKeyingMaterial? keys;
            if (Role == DtlsRole.Client)
            {
                var client = new DtlsSrtpClient(settings);
                transport = new DtlsClientProtocol().Connect(client, _channel);
                keys = client.Keys;
            }
            else
            {
                var server = new DtlsSrtpServer(settings);
                transport = new DtlsServerProtocol().Accept(server, _channel);
                keys = server.Keys;
            }

            lock (_bcLock)
            {
                _bc = transport;
            }

            return keys ?? throw new DtlsHandshakeException("The DTLS handshake completed without SRTP keys.");
        }
        catch (Exception ex) when (ex is not DtlsHandshakeException)
        {
            if (ct.IsCancellationRequested)
            {
                SetState(DtlsTransportState.Closed);
                throw new OperationCanceledException("The DTLS handshake was cancelled.", ex, ct);
            }

            string reason = Describe(ex);
            DtlsTransportLog.HandshakeFailed(_logger, Role, reason);
            SetState(DtlsTransportState.Failed);
            _channel.Close();
            throw new DtlsHandshakeException($"DTLS handshake failed: {reason}", ex);
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        DtlsFingerprintMismatchException => "the peer certificate does not match the SDP fingerprint",
        _ when ex.InnerException is DtlsFingerprintMismatchException => "the peer certificate does not match the SDP fingerprint",
        TlsFatalAlertReceived received => $"peer sent alert {AlertDescription.GetText(received.AlertDescription)}",
        TlsFatalAlert alert => $"alert {AlertDescription.GetText(alert.AlertDescription)}: {alert.Message}",
        TlsTimeoutException => "timed out",
        _ => ex.Message,
    };

    /// <summary>Processes records that arrive after the handshake (retransmitted flights, alerts) off the receive loop.</summary>
    private void Pump()
    {
        byte[] buffer = new byte[DtlsDatagramChannel.MaxDatagram];
        while (true)
        {
            while (_channel.HasPending && State == DtlsTransportState.Connected)
            {
                try
                {
                    lock (_bcLock)
                    {
                        // Application data has no consumer (audio only, no data channels); alerts reach the observer.
                        _bc?.Receive(buffer, 0, buffer.Length, 1);
                    }
                }
                catch (Exception) when (State == DtlsTransportState.Closed)
                {
                    // A close_notify processed in this same receive, or our own DisposeAsync, closed the transport
                    // under the read: an orderly end, not a failure.
                }
                catch (Exception ex)
                {
                    DtlsTransportLog.ReceiveFailed(_logger, Role, Describe(ex));
                    SetState(DtlsTransportState.Failed);
                    _channel.Close();
                }
            }

            Volatile.Write(ref _pumping, 0);
            if (!_channel.HasPending || State != DtlsTransportState.Connected || Interlocked.CompareExchange(ref _pumping, 1, 0) != 0)
            {
                return;
            }
        }
    }

    void IDtlsPeerObserver.OnHandshakeComplete(TlsContext context)
    {
        SecurityParameters parameters = context.SecurityParameters;
        CipherSuite = parameters.CipherSuite;
        ExtendedMasterSecret = parameters.IsExtendedMasterSecret;
    }

    void IDtlsPeerObserver.OnAlertReceived(short level, short description)
    {
        if (description == AlertDescription.close_notify)
        {
            DtlsTransportLog.CloseNotify(_logger, Role);
            SetState(DtlsTransportState.Closed);
            _channel.Close();
        }
        else if (level == AlertLevel.fatal)
        {
            DtlsTransportLog.FatalAlertReceived(_logger, Role, AlertDescription.GetText(description));
            SetState(DtlsTransportState.Failed);
            _channel.Close();
        }
    }

    void IDtlsPeerObserver.OnAlertRaised(short level, short description, string? message, Exception? cause)
    {
        if (level == AlertLevel.fatal)
        {
            DtlsTransportLog.AlertRaised(_logger, Role, AlertDescription.GetText(description), message ?? string.Empty);
        }
    }

    private void SetState(DtlsTransportState next)
    {
        int current;
        do
        {
            current = Volatile.Read(ref _state);
            if (current == (int)next || current is (int)DtlsTransportState.Closed or (int)DtlsTransportState.Failed)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _state, (int)next, current) != current);

        StateChanged?.Invoke(next);
    }

    /// <summary>Sends close_notify when connected, stops the handshake if running, and releases everything.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        bool wasConnected = State == DtlsTransportState.Connected;
        SetState(DtlsTransportState.Closed);
        if (wasConnected)
        {
            try
            {
                lock (_bcLock)
                {
                    _bc?.Close();
                }
            }
            catch (Exception ex) when (ex is IOException or TlsException or InvalidOperationException or ObjectDisposedException)
            {
                DtlsTransportLog.CloseFailed(_logger, Role, ex.Message);
            }
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        _channel.Close();
        if (_handshake is { } handshake)
        {
            try
            {
                await handshake.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DtlsHandshakeException or OperationCanceledException)
            {
                // Already reported to the caller of HandshakeAsync.
            }
        }

        _lifetime.Dispose();
    }
}
