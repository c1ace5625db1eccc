using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using PhoneBridge.Rtc.Turn;

namespace PhoneBridge.Rtc.Ice;

public sealed partial class IceAgent
{
    private volatile LocalCandidateEntry[] _relays = [];

    private bool TryHandleRelayDatagram(IceSocket socket, SocketAddress from, ReadOnlySpan<byte> data)
    {
        foreach (var entry in _relays)
        {
            if (entry.Socket != socket || !entry.Relay!.ServerAddress.Equals(from))
            {
                continue;
            }

            switch (entry.Relay.Receive(data, out var peer, out var payload))
            {
                case TurnReceiveResult.Relayed:
                    if (!payload.IsEmpty)
                    {
                        OnPacket(entry, peer, payload);
                    }

                    return true;
                case TurnReceiveResult.Handled:
                    return true;
                default:
                    continue; // e.g. a binding response from a STUN server sharing the TURN server's address
            }
        }

        return false;
    }

    private bool SendViaRelayLocked(LocalCandidateEntry local, SocketAddressKey to, ReadOnlySpan<byte> data)
    {
        if (local.Relay is not { } relay)
        {
            return false;
        }

        relay.SendToPeer(to.EndPoint, data);
        return true;
    }

    private void OnPairAddedLocked(CandidatePairEntry pair) => pair.Local.Relay?.EnsurePermission(pair.Remote.EndPoint.Address);

    private void OnPairSelectedLocked(CandidatePairEntry pair) => pair.Local.Relay?.BindChannel(pair.Remote.EndPoint);

    private async Task GatherRelayAsync(IceServerUrl url, IceSocket socket)
    {
        var server = await ResolveServerAsync(url, socket.Family).ConfigureAwait(false);
        if (server is null)
        {
            return;
        }

        var serverAddress = server.Serialize();
        var relay = new TurnAllocation(
            server, url.Server.Username!, url.Server.Credential!,
            data => SendRaw(socket, serverAddress, data),
            _logger, _time, _options.ServerTimeout);
        var entry = new LocalCandidateEntry(new IceCandidate("0", 1, "udp", 0, "0.0.0.0", 0, IceCandidateType.Relayed), socket, isBase: true)
        {
            Relay = relay,
        };
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            // Registered before allocating so the server's responses on the shared socket reach the allocation.
            _relays = [.. _relays, entry];
        }

        bool allocated;
        try
        {
            allocated = await relay.AllocateAsync(_lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            allocated = false;
        }

        lock (_gate)
        {
            if (!allocated || _disposed || relay.RelayedEndPoint is not { } relayed)
            {
                _relays = [.. _relays.Where(r => r != entry)];
                if (!allocated && !_disposed)
                {
                    IceAgentLog.ServerFailed(_logger, $"{url.Host}:{url.Port}", "TURN allocation failed");
                }

                _ = relay.DisposeAsync().AsTask();
                return;
            }

            var candidate = new IceCandidate(
                Foundation("relay", relayed.Address, url.Host), 1, "udp",
                IceCandidate.ComputePriority(IceCandidateType.Relayed, relayed.AddressFamily == AddressFamily.InterNetwork ? 65535 : 40000),
                relayed.Address.ToString(), relayed.Port, IceCandidateType.Relayed,
                relay.MappedEndPoint?.Address.ToString() ?? socket.LocalEndPoint.Address.ToString(),
                relay.MappedEndPoint?.Port ?? socket.LocalEndPoint.Port);
            var relayEntry = new LocalCandidateEntry(candidate, socket, isBase: true)
            {
                Relay = relay,
                PairFamily = relayed.AddressFamily,
            };
            _relays = [.. _relays.Where(r => r != entry), relayEntry];
            AddLocalCandidateLocked(relayEntry);
            StartChecksLocked();
        }
    }

    private async Task DisposeRelaysAsync()
    {
        var relays = _relays;
        foreach (var entry in relays)
        {
            await entry.Relay!.DisposeAsync().ConfigureAwait(false);
        }

        _relays = [];
    }
}
