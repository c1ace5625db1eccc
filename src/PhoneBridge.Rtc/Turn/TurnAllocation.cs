using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using PhoneBridge.Rtc.Transport;
using PhoneBridge.Rtc.Stun;

namespace PhoneBridge.Rtc.Turn;

/// <summary>
/// One TURN allocation (RFC 8656) over UDP, sharing the ICE agent's socket: long-term credential authentication
/// (401 → REALM/NONCE → MESSAGE-INTEGRITY, 438 stale-nonce retry), Refresh, CreatePermission, ChannelBind with
/// ChannelData, and Send/Data indications until a channel is bound. Maintenance runs on one async loop.
/// </summary>
public sealed class TurnAllocation : IAsyncDisposable
{
    /// <summary>Permissions last 300 s and channels 600 s (RFC 8656 §9, §12); refreshing every 4 minutes covers both.</summary>
    private static readonly TimeSpan MaintenanceInterval = TimeSpan.FromMinutes(4);
    private const uint RequestedLifetimeSeconds = 600;
    private const int ChannelDataHeader = 4;
    private const ushort FirstChannel = 0x4000;
    private const ushort LastChannel = 0x4FFF;

    private delegate void AttributeWriter(ref StunMessageWriter writer);

    /// <summary>Sends one datagram to the server from the shared socket, without blocking (a full socket drops it, as UDP may).</summary>
    public delegate void DatagramSender(ReadOnlySpan<byte> datagram);

    private readonly string _username;
    private readonly string _password;
    private readonly DatagramSender _send;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly StunTransactionClient _client;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, bool> _permissions = [];
    private readonly Dictionary<IPEndPoint, ushort> _channelsByPeer = [];
    private readonly Dictionary<ushort, (IPEndPoint EndPoint, SocketAddress Address)> _peersByChannel = [];
    private volatile Dictionary<IPEndPoint, ushort> _boundChannels = [];
    private ushort _nextChannel = FirstChannel;
    private string? _realm;
    private string? _nonce;
    private byte[]? _key;
    private Task _maintenance = Task.CompletedTask;
    private bool _allocated;
    private int _disposed;
    private int _refreshes;

    /// <param name="server">The TURN server's UDP address.</param>
    /// <param name="send">Sends one datagram to the server from the shared socket.</param>
    public TurnAllocation(IPEndPoint server, string username, string password, DatagramSender send, ILogger logger, TimeProvider time, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(password);
        Server = NetworkAddress.Normalize(server);
        ServerAddress = Server.Serialize();
        _username = username;
        _password = password;
        _send = send;
        _logger = logger;
        _time = time;
        _timeout = timeout;
        _client = new StunTransactionClient(time);
    }

    public IPEndPoint Server { get; }

    internal SocketAddress ServerAddress { get; }

    /// <summary>The relayed transport address (XOR-RELAYED-ADDRESS), once allocated.</summary>
    public IPEndPoint? RelayedEndPoint { get; private set; }

    /// <summary>Our address as the server saw it (XOR-MAPPED-ADDRESS).</summary>
    public IPEndPoint? MappedEndPoint { get; private set; }

    /// <summary>Successful maintenance rounds (allocation Refresh; permissions and channels are renewed with it).</summary>
    internal int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>Requests the allocation; false (logged) when the server refuses or does not answer.</summary>
    public async Task<bool> AllocateAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _lifetime.Token);
        ct = linked.Token;
        var response = await RequestAsync(StunMethod.Allocate, static (ref StunMessageWriter w) =>
        {
            w.AddUInt32(StunAttributeType.RequestedTransport, 17u << 24); // UDP
            w.AddUInt32(StunAttributeType.Lifetime, RequestedLifetimeSeconds);
        }, ct).ConfigureAwait(false);
        if (response is null)
        {
            return false;
        }

        StunMessage.TryParse(response, out var message);
        if (!message.TryGetXorAddress(StunAttributeType.XorRelayedAddress, out var relayed))
        {
            TurnLog.RequestFailed(_logger, StunMethod.Allocate, Server, "no XOR-RELAYED-ADDRESS");
            return false;
        }

        RelayedEndPoint = NetworkAddress.Normalize(relayed);
        MappedEndPoint = message.TryGetXorAddress(StunAttributeType.XorMappedAddress, out var mapped) ? NetworkAddress.Normalize(mapped) : null;
        message.TryGetUInt32(StunAttributeType.Lifetime, out var lifetime);
        TurnLog.Allocated(_logger, Server, RelayedEndPoint, MappedEndPoint, lifetime);
        if (Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        _allocated = true;
        _maintenance = MaintainAsync(_lifetime.Token);
        return true;
    }

    /// <summary>Installs (once) a permission for <paramref name="peer"/>, so the server relays its packets.</summary>
    public void EnsurePermission(IPAddress peer)
    {
        peer = NetworkAddress.Normalize(peer);
        lock (_gate)
        {
            if (!_permissions.TryAdd(peer, false))
            {
                return;
            }
        }

        _ = CreatePermissionAsync(peer);
    }

    /// <summary>Binds a channel to <paramref name="peer"/> so data uses 4-byte ChannelData framing instead of Send indications.</summary>
    public void BindChannel(IPEndPoint peer)
    {
        peer = NetworkAddress.Normalize(peer);
        ushort channel;
        lock (_gate)
        {
            if (_channelsByPeer.ContainsKey(peer) || _nextChannel > LastChannel)
            {
                return;
            }

            channel = _nextChannel++;
            _channelsByPeer[peer] = channel;
            _peersByChannel[channel] = (peer, peer.Serialize());
        }

        _ = ChannelBindAsync(peer, channel);
    }

    /// <summary>True when <paramref name="datagram"/> carried relayed data (see <see cref="Receive"/>).</summary>
    internal bool TryUnwrap(ReadOnlySpan<byte> datagram, out SocketAddress peer, out ReadOnlySpan<byte> payload) =>
        Receive(datagram, out peer, out payload) == TurnReceiveResult.Relayed;

    /// <summary>
    /// Handles a datagram from the server's address: unwraps ChannelData and Data indications, completes this
    /// allocation's transactions, and reports <see cref="TurnReceiveResult.NotTurn"/> for STUN it does not own (a
    /// STUN server at the same address answering a server-reflexive binding request).
    /// </summary>
    internal TurnReceiveResult Receive(ReadOnlySpan<byte> datagram, out SocketAddress peer, out ReadOnlySpan<byte> payload)
    {
        peer = null!;
        payload = default;
        if (datagram.Length >= ChannelDataHeader && datagram[0] is >= 0x40 and <= 0x4F)
        {
            var channel = BinaryPrimitives.ReadUInt16BigEndian(datagram);
            var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
            if (length > datagram.Length - ChannelDataHeader)
            {
                TurnLog.MalformedDatagram(_logger, datagram.Length);
                return TurnReceiveResult.Handled;
            }

            lock (_gate)
            {
                if (!_peersByChannel.TryGetValue(channel, out var entry))
                {
                    return TurnReceiveResult.Handled;
                }

                peer = entry.Address;
            }

            payload = datagram.Slice(ChannelDataHeader, length);
            return TurnReceiveResult.Relayed;
        }

        if (StunMessage.TryParse(datagram, out var message) != StunParseResult.Ok)
        {
            TurnLog.MalformedDatagram(_logger, datagram.Length);
            return TurnReceiveResult.Handled;
        }

        if (message.Class == StunClass.Indication && message.Method == StunMethod.Data)
        {
            if (!message.TryGetXorAddress(StunAttributeType.XorPeerAddress, out var from) || !message.TryGetAttribute(StunAttributeType.Data, out payload))
            {
                TurnLog.MalformedDatagram(_logger, datagram.Length);
                return TurnReceiveResult.Handled;
            }

            peer = NetworkAddress.Normalize(from).Serialize();
            return TurnReceiveResult.Relayed;
        }

        return _client.TryComplete(message) ? TurnReceiveResult.Handled : TurnReceiveResult.NotTurn;
    }

    /// <summary>
    /// Relays one datagram to <paramref name="peer"/>: ChannelData once a channel is bound, a Send indication before.
    /// Uses a pooled buffer, so the media path does not allocate.
    /// </summary>
    public void SendToPeer(IPEndPoint peer, ReadOnlySpan<byte> data)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(data.Length + 64);
        try
        {
            var length = Wrap(peer, data, buffer);
            _send(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private int Wrap(IPEndPoint peer, ReadOnlySpan<byte> data, Span<byte> buffer)
    {
        if (_boundChannels.TryGetValue(peer, out var channel))
        {
            BinaryPrimitives.WriteUInt16BigEndian(buffer, channel);
            BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)data.Length);
            data.CopyTo(buffer[ChannelDataHeader..]);
            return ChannelDataHeader + data.Length;
        }

        var writer = new StunMessageWriter(buffer, StunMethod.Send, StunClass.Indication, StunTransactionId.NewRandom());
        writer.AddXorAddress(StunAttributeType.XorPeerAddress, peer);
        writer.AddAttribute(StunAttributeType.Data, data);
        return writer.Length;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _maintenance.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_allocated)
        {
            // Release the relay port now instead of letting it linger for the lifetime (RFC 8656 §7).
            using var release = new CancellationTokenSource(TimeSpan.FromSeconds(1), _time);
            try
            {
                await RequestAsync(StunMethod.Refresh, static (ref StunMessageWriter w) => w.AddUInt32(StunAttributeType.Lifetime, 0), release.Token, quiet: true).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // best effort
            }
        }

        // _lifetime is not disposed: fire-and-forget permission/channel requests may still read its token.
    }

    private async Task CreatePermissionAsync(IPAddress peer)
    {
        try
        {
            var response = await RequestAsync(StunMethod.CreatePermission, (ref StunMessageWriter w) =>
                w.AddXorAddress(StunAttributeType.XorPeerAddress, new IPEndPoint(peer, 0)), _lifetime.Token).ConfigureAwait(false);
            if (response is not null)
            {
                lock (_gate)
                {
                    _permissions[peer] = true;
                }

                TurnLog.PermissionInstalled(_logger, peer);
            }
        }
        catch (OperationCanceledException)
        {
            // disposed
        }
    }

    private async Task ChannelBindAsync(IPEndPoint peer, ushort channel)
    {
        try
        {
            var response = await RequestAsync(StunMethod.ChannelBind, (ref StunMessageWriter w) =>
            {
                w.AddUInt32(StunAttributeType.ChannelNumber, (uint)channel << 16);
                w.AddXorAddress(StunAttributeType.XorPeerAddress, peer);
            }, _lifetime.Token).ConfigureAwait(false);
            if (response is not null)
            {
                lock (_gate)
                {
                    _boundChannels = new Dictionary<IPEndPoint, ushort>(_boundChannels) { [peer] = channel };
                }

                TurnLog.ChannelBound(_logger, channel, peer);
            }
        }
        catch (OperationCanceledException)
        {
            // disposed
        }
    }

    private async Task MaintainAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(MaintenanceInterval, _time, ct).ConfigureAwait(false);
                var refreshed = await RequestAsync(StunMethod.Refresh, static (ref StunMessageWriter w) => w.AddUInt32(StunAttributeType.Lifetime, RequestedLifetimeSeconds), ct).ConfigureAwait(false);
                if (refreshed is not null)
                {
                    Interlocked.Increment(ref _refreshes);
                }

                IPAddress[] peers;
                KeyValuePair<IPEndPoint, ushort>[] channels;
                lock (_gate)
                {
                    peers = [.. _permissions.Keys];
                    channels = [.. _channelsByPeer];
                }

                foreach (var peer in peers)
                {
                    await CreatePermissionAsync(peer).ConfigureAwait(false);
                }

                foreach (var (peer, channel) in channels)
                {
                    await ChannelBindAsync(peer, channel).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // disposed
        }
    }

    /// <summary>Sends a request, answering a 401/438 challenge; returns a verified success response or null (logged).</summary>
    private async Task<byte[]?> RequestAsync(StunMethod method, AttributeWriter? attributes, CancellationToken ct, bool quiet = false)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var id = StunTransactionId.NewRandom();
            var buffer = new byte[512];
            var length = BuildRequest(buffer, method, id, attributes);
            var response = await _client.RequestAsync(id, buffer.AsMemory(0, length), data => _send(data.Span), _timeout, ct).ConfigureAwait(false);
            if (response is null)
            {
                if (!quiet)
                {
                    TurnLog.RequestFailed(_logger, method, Server, "no response");
                }

                return null;
            }

            if (StunMessage.TryParse(response, out var message) != StunParseResult.Ok)
            {
                TurnLog.RequestFailed(_logger, method, Server, "malformed response");
                return null;
            }

            if (message.Class == StunClass.SuccessResponse)
            {
                if (_key is not null && !message.VerifyMessageIntegrity(_key))
                {
                    TurnLog.RequestFailed(_logger, method, Server, "response failed MESSAGE-INTEGRITY");
                    return null;
                }

                return response;
            }

            message.TryGetErrorCode(out var code, out var reason);
            var challenged = (code == StunErrorCode.Unauthenticated && attempt == 0) || code == StunErrorCode.StaleNonce;
            if (challenged && message.TryGetString(StunAttributeType.Nonce, out var nonce))
            {
                lock (_gate)
                {
                    if (message.TryGetString(StunAttributeType.Realm, out var realm) && realm != _realm)
                    {
                        _realm = realm;
                        _key = StunCredentials.LongTermKey(_username, realm, _password);
                    }

                    _nonce = nonce;
                }

                if (_key is not null)
                {
                    continue;
                }
            }

            if (!quiet)
            {
                TurnLog.RequestFailed(_logger, method, Server, $"error {code} {reason}");
            }

            return null;
        }

        return null;
    }

    private int BuildRequest(Span<byte> buffer, StunMethod method, StunTransactionId id, AttributeWriter? attributes)
    {
        var writer = new StunMessageWriter(buffer, method, StunClass.Request, id);
        attributes?.Invoke(ref writer);
        lock (_gate)
        {
            if (_key is not null && _realm is not null && _nonce is not null)
            {
                writer.AddString(StunAttributeType.Username, _username);
                writer.AddString(StunAttributeType.Realm, _realm);
                writer.AddString(StunAttributeType.Nonce, _nonce);
                writer.AddMessageIntegrity(_key);
            }
        }

        writer.AddFingerprint();
        return writer.Length;
    }
}

/// <summary>What <see cref="TurnAllocation.Receive"/> made of a datagram from the server's address.</summary>
internal enum TurnReceiveResult
{
    /// <summary>Relayed data from a peer: the payload and peer are set.</summary>
    Relayed,

    /// <summary>A TURN response or an unusable datagram; nothing more to do.</summary>
    Handled,

    /// <summary>STUN that is not this allocation's; the caller should process it normally.</summary>
    NotTurn,
}
