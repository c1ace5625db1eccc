using System.Net;
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

    /// <summary>Registers a relay before it allocates, so the server's answers on the shared socket reach it; false once disposed.</summary>
    internal bool TryAddPendingRelay(LocalCandidateEntry pending)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            _relays = [.. _relays, pending];
            return true;
        }
    }

    /// <summary>
    /// Replaces a pending relay with its relayed candidate, or drops it when the allocation failed
    /// (<paramref name="allocated"/> null). Returns false when the agent is already disposed (the relay is dropped).
    /// </summary>
    internal bool CompletePendingRelay(LocalCandidateEntry pending, LocalCandidateEntry? allocated)
    {
        lock (_gate)
        {
            if (allocated is null || _disposed)
            {
                _relays = [.. _relays.Where(r => r != pending)];
                return !_disposed;
            }

            _relays = [.. _relays.Where(r => r != pending), allocated];
            AddLocalCandidateLocked(allocated);
            StartChecksLocked();
            return true;
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
