using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using PhoneBridge.Rtc.Stun;
using PhoneBridge.Rtc.Transport;
using PhoneBridge.Rtc.Turn;

namespace PhoneBridge.Rtc.Ice;

/// <summary>
/// Finds the local candidates of one <see cref="IceAgent"/> (RFC 8445 §5.1): binds one UDP socket per address family
/// and hands the agent its host candidates at once, then asks every configured STUN server for a server-reflexive
/// candidate and every TURN server for a relayed one, handing each to the agent as it arrives, and tells the agent when
/// all have answered or timed out. The agent owns the sockets and candidates it is given.
/// </summary>
internal sealed class IceCandidateGatherer
{
    private readonly IceAgent _agent;
    private readonly IceAgentOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationToken _lifetime;
    private readonly StunTransactionClient _serverTransactions;

    public IceCandidateGatherer(IceAgent agent, IceAgentOptions options, ILogger logger, TimeProvider time, CancellationToken lifetime)
    {
        _agent = agent;
        _options = options;
        _logger = logger;
        _time = time;
        _lifetime = lifetime;
        _serverTransactions = new StunTransactionClient(time);
    }

    /// <summary>Completes a pending STUN server request with its response; false when it answers none of ours.</summary>
    public bool TryCompleteServerRequest(StunMessage response) => _serverTransactions.TryComplete(response);

    /// <summary>
    /// Binds the sockets and hands the agent the host candidates; server-reflexive and relayed candidates follow in
    /// the background.
    /// </summary>
    public void Start()
    {
        var addresses = ResolveHostAddresses();
        var families = addresses.Select(a => a.AddressFamily).Distinct().ToList();
        if (families.Count == 0)
        {
            throw new IceException("No usable local address for host candidates (check HostAddresses / EnableIpv6).");
        }

        var sockets = new List<IceSocket>();
        var hostIndex = 0;
        foreach (var family in families)
        {
            var familyAddresses = addresses.Where(a => a.AddressFamily == family).ToList();
            var bindAddress = familyAddresses.Count == 1
                ? familyAddresses[0]
                : family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
            var socket = BindSocket(bindAddress);
            var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            var iceSocket = new IceSocket(socket, new IPEndPoint(familyAddresses[0], port));
            var familyPreference = family == AddressFamily.InterNetwork ? 65535 : 40000;
            var candidates = new List<LocalCandidateEntry>();
            for (var i = 0; i < familyAddresses.Count; i++)
            {
                var address = familyAddresses[i];
                var candidate = new IceCandidate(
                    Foundation("host", address, null), 1, "udp",
                    IceCandidate.ComputePriority(IceCandidateType.Host, familyPreference - (hostIndex * 10) - i),
                    address.ToString(), port, IceCandidateType.Host);
                var entry = new LocalCandidateEntry(candidate, iceSocket, isBase: i == 0);
                iceSocket.HostBase ??= entry;
                candidates.Add(entry);
            }

            if (_options.PublicIp is { } publicIp && NetworkAddress.Normalize(publicIp).AddressFamily == family)
            {
                var address = NetworkAddress.Normalize(publicIp);
                var candidate = new IceCandidate(
                    Foundation("host", address, null), 1, "udp",
                    IceCandidate.ComputePriority(IceCandidateType.Host, familyPreference - (hostIndex * 10) - 5),
                    address.ToString(), port, IceCandidateType.Host);
                candidates.Add(new LocalCandidateEntry(candidate, iceSocket, isBase: false));
            }

            _agent.AddHostSocket(iceSocket, candidates);
            sockets.Add(iceSocket);
            hostIndex++;
        }

        _ = GatherFromServersAsync(sockets);
    }

    private async Task GatherFromServersAsync(List<IceSocket> sockets)
    {
        var work = new List<Task>();
        foreach (var server in _options.Servers)
        {
            foreach (var url in server.Urls)
            {
                var parsed = IceServerUrl.TryParse(url, server, out var reason);
                if (parsed is null)
                {
                    IceLog.ServerSkipped(_logger, url, reason ?? "unsupported");
                    continue;
                }

                foreach (var socket in sockets)
                {
                    if (parsed.IsTurn)
                    {
                        work.Add(GatherRelayAsync(parsed, socket));
                    }
                    else if (_options.Policy == IcePolicy.All)
                    {
                        work.Add(GatherServerReflexiveAsync(parsed, socket));
                    }
                }
            }
        }

        await Task.WhenAll(work).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _agent.OnGatheringComplete();
    }

    private async Task<IPEndPoint?> ResolveServerAsync(IceServerUrl url, AddressFamily family)
    {
        if (IPAddress.TryParse(url.Host, out var literal))
        {
            literal = NetworkAddress.Normalize(literal);
            return literal.AddressFamily == family ? new IPEndPoint(literal, url.Port) : null;
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(url.Host, family, _lifetime).ConfigureAwait(false);
            return addresses.Length > 0 ? new IPEndPoint(addresses[0], url.Port) : null;
        }
        catch (SocketException ex)
        {
            IceLog.ServerFailed(_logger, url.Host, ex.SocketErrorCode.ToString());
            return null;
        }
    }

    private async Task GatherServerReflexiveAsync(IceServerUrl url, IceSocket socket)
    {
        var server = await ResolveServerAsync(url, socket.Family).ConfigureAwait(false);
        if (server is null)
        {
            return;
        }

        var id = StunTransactionId.NewRandom();
        var request = new byte[StunMessage.HeaderLength + 8];
        var writer = new StunMessageWriter(request, StunMethod.Binding, StunClass.Request, id);
        writer.AddFingerprint();
        var toServer = new ServerLink(_agent, socket, server.Serialize());
        byte[]? responseBytes;
        try
        {
            responseBytes = await _serverTransactions.RequestAsync(
                id, request.AsMemory(0, writer.Length), toServer.Send, _options.ServerTimeout, _lifetime).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (responseBytes is null)
        {
            IceLog.ServerFailed(_logger, $"{url.Host}:{url.Port}", "no response");
            return;
        }

        if (StunMessage.TryParse(responseBytes, out var message) != StunParseResult.Ok
            || message.Class != StunClass.SuccessResponse
            || !(message.TryGetXorAddress(StunAttributeType.XorMappedAddress, out var mapped) || message.TryGetAddress(StunAttributeType.MappedAddress, out mapped)))
        {
            IceLog.ServerFailed(_logger, $"{url.Host}:{url.Port}", "no mapped address in the response");
            return;
        }

        if (socket.HostBase is not { } hostBase)
        {
            return;
        }

        mapped = NetworkAddress.Normalize(mapped);
        var localPreference = (int)((hostBase.Candidate.Priority >> 8) & 0xFFFF);
        var candidate = new IceCandidate(
            Foundation("srflx", socket.LocalEndPoint.Address, url.Host), 1, "udp",
            IceCandidate.ComputePriority(IceCandidateType.ServerReflexive, localPreference),
            mapped.Address.ToString(), mapped.Port, IceCandidateType.ServerReflexive,
            hostBase.Candidate.Address, hostBase.Candidate.Port);
        _agent.AddServerReflexiveCandidate(new LocalCandidateEntry(candidate, socket, isBase: false));
    }

    private async Task GatherRelayAsync(IceServerUrl url, IceSocket socket)
    {
        var server = await ResolveServerAsync(url, socket.Family).ConfigureAwait(false);
        if (server is null)
        {
            return;
        }

        var toServer = new ServerLink(_agent, socket, server.Serialize());
        var relay = new TurnAllocation(
            server, url.Server.Username!, url.Server.Credential!, toServer.Send, _logger, _time, _options.ServerTimeout);
        var entry = new LocalCandidateEntry(new IceCandidate("0", 1, "udp", 0, "0.0.0.0", 0, IceCandidateType.Relayed), socket, isBase: true)
        {
            Relay = relay,
        };

        // Registered before allocating so the server's responses on the shared socket reach the allocation.
        if (!_agent.TryAddPendingRelay(entry))
        {
            return;
        }

        bool allocated;
        try
        {
            allocated = await relay.AllocateAsync(_lifetime).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            allocated = false;
        }

        LocalCandidateEntry? relayEntry = null;
        if (allocated && relay.RelayedEndPoint is { } relayed)
        {
            var candidate = new IceCandidate(
                Foundation("relay", relayed.Address, url.Host), 1, "udp",
                IceCandidate.ComputePriority(IceCandidateType.Relayed, relayed.AddressFamily == AddressFamily.InterNetwork ? 65535 : 40000),
                relayed.Address.ToString(), relayed.Port, IceCandidateType.Relayed,
                relay.MappedEndPoint?.Address.ToString() ?? socket.LocalEndPoint.Address.ToString(),
                relay.MappedEndPoint?.Port ?? socket.LocalEndPoint.Port);
            relayEntry = new LocalCandidateEntry(candidate, socket, isBase: true)
            {
                Relay = relay,
                PairFamily = relayed.AddressFamily,
            };
        }

        var agentOpen = _agent.CompletePendingRelay(entry, relayEntry);
        if (relayEntry is null || !agentOpen)
        {
            if (!allocated && agentOpen)
            {
                IceLog.ServerFailed(_logger, $"{url.Host}:{url.Port}", "TURN allocation failed");
            }

            _ = relay.DisposeAsync().AsTask();
        }
    }

    private List<IPAddress> ResolveHostAddresses()
    {
        IEnumerable<IPAddress> candidates = _options.HostAddresses.Count > 0
            ? _options.HostAddresses.Select(NetworkAddress.Normalize)
            : NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(u => u.Address))
                .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal);
        return [.. candidates
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork || (_options.EnableIpv6 && a.AddressFamily == AddressFamily.InterNetworkV6))
            .Distinct()];
    }

    private Socket BindSocket(IPAddress address)
    {
        var start = _options.PortRangeStart;
        var end = _options.PortRangeEnd;
        var attempts = start == 0 ? 1 : end - start + 1;
        var offset = start == 0 ? 0 : RandomNumberGenerator.GetInt32(attempts);
        SocketException? last = null;
        for (var i = 0; i < attempts; i++)
        {
            var port = start == 0 ? 0 : start + ((offset + i) % attempts);
            var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                if (address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    socket.DualMode = false;
                }

                socket.Bind(new IPEndPoint(address, port));
                socket.Blocking = false;
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }

        throw new IceException($"Could not bind a UDP socket on {address} (ports {start}-{end}).", last!);
    }

    private static string Foundation(string type, IPAddress baseAddress, string? server)
    {
        var hash = System.IO.Hashing.Crc32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes($"{type}|{baseAddress}|{server}"));
        return hash.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Sends to one STUN/TURN server from one of the agent's sockets (the TURN relay's media goes this way too).</summary>
    private sealed class ServerLink(IceAgent agent, IceSocket socket, SocketAddress server)
    {
        public void Send(ReadOnlySpan<byte> datagram) => agent.SendRaw(socket, server, datagram);

        public void Send(ReadOnlyMemory<byte> datagram) => agent.SendRaw(socket, server, datagram.Span);
    }
}
