using System.Net;
using System.Net.Sockets;
using PhoneBridge.Rtc.Stun;
using PhoneBridge.Rtc.Transport;

namespace PhoneBridge.Rtc.Ice;

public sealed partial class IceAgent
{
    private long _droppedDatagrams;

    /// <summary>Datagrams dropped: received from outside the selected pair and the other validated pairs, or not sent because the socket buffer was full.</summary>
    public long DroppedDatagrams => Interlocked.Read(ref _droppedDatagrams);

    private void StartReceiving(IceSocket socket)
    {
        if (_receiveThread is { } thread)
        {
            try
            {
                socket.Registration = thread.Register(socket.Socket, new SocketSink(this, socket));
                return;
            }
            catch (SocketException ex)
            {
                // epoll refused the socket (e.g. the user's watch limit); this socket keeps its own loop instead.
                IceLog.SharedReceiveUnavailable(_logger, ex, socket.LocalEndPoint);
            }
        }

        socket.ReceiveLoop = Task.Run(() => ReceiveLoopAsync(socket));
    }

    private async Task ReceiveLoopAsync(IceSocket socket)
    {
        var buffer = new byte[ReceiveBufferSize];
        var from = new SocketAddress(socket.Family);
        var ct = _lifetime.Token;
        var transientErrors = 0;
        while (!ct.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await socket.Socket.ReceiveFromAsync(buffer, SocketFlags.None, from, ct).ConfigureAwait(false);
                transientErrors = 0;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused
                or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.MessageSize)
            {
                // ICMP errors for earlier sends and oversize datagrams are per-packet; a flood of them means the socket is unusable.
                if (++transientErrors > 1000)
                {
                    IceLog.ReceiveLoopFailed(_logger, ex, socket.LocalEndPoint);
                    break;
                }

                continue;
            }
            catch (SocketException ex)
            {
                IceLog.ReceiveLoopFailed(_logger, ex, socket.LocalEndPoint);
                break;
            }

            try
            {
                OnDatagram(socket, from, buffer.AsSpan(0, received));
            }
#pragma warning disable CA1031 // One bad datagram must not end the receive loop.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                IceLog.DatagramFailed(_logger, ex, received);
            }
        }
    }

    private void OnDatagram(IceSocket socket, SocketAddress from, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (TryHandleRelayDatagram(socket, from, data))
        {
            return;
        }

        if (socket.HostBase is { } local)
        {
            OnPacket(local, from, data);
        }
    }

    /// <summary>A datagram that arrived on <paramref name="local"/> (directly or unwrapped from TURN).</summary>
    private void OnPacket(LocalCandidateEntry local, SocketAddress from, ReadOnlySpan<byte> data)
    {
        // RFC 7983: 0–3 is STUN; everything else is media/DTLS for the data handler.
        if (data[0] < 4)
        {
            OnStun(local, from, data);
            return;
        }

        if (!IsFromUsablePair(local, from))
        {
            Interlocked.Increment(ref _droppedDatagrams);
            return;
        }

        var handler = Volatile.Read(ref _dataHandler);
        if (handler is null)
        {
            return;
        }

        try
        {
            handler.OnData(data);
        }
#pragma warning disable CA1031 // A faulty handler must not end the receive loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            IceLog.DataHandlerFailed(_logger, ex);
        }
    }

    private bool IsFromUsablePair(LocalCandidateEntry local, SocketAddress from)
    {
        if (_selected is { } selected && selected.Local == local && selected.Remote.Address.Equals(from))
        {
            return true;
        }

        // Before nomination completes the peer may already start DTLS on a pair it validated. After it, a controlling
        // browser may move to another validated pair that it ranks higher than we do (a second interface of its own,
        // learnt here as peer-reflexive) and send from there while we still send on ours; both pairs passed the checks.
        foreach (var pair in _validPairs)
        {
            if (pair.Local == local && pair.Remote.Address.Equals(from))
            {
                return true;
            }
        }

        return false;
    }

    private void OnStun(LocalCandidateEntry local, SocketAddress from, ReadOnlySpan<byte> data)
    {
        var result = StunMessage.TryParse(data, out var message);
        if (result != StunParseResult.Ok)
        {
            IceLog.MalformedStun(_logger, result, data.Length);
            return;
        }

        if (message.Method != StunMethod.Binding)
        {
            return;
        }

        if (_gatherer.TryCompleteServerRequest(message))
        {
            return;
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            switch (message.Class)
            {
                case StunClass.Request:
                    HandleBindingRequestLocked(local, SocketAddressKey.From(from), message);
                    break;
                case StunClass.SuccessResponse or StunClass.ErrorResponse:
                    HandleBindingResponseLocked(local, SocketAddressKey.From(from), message);
                    break;
                default:
                    break; // Binding indications are keepalives.
            }
        }
    }

    private void SendToPairLocked(CandidatePairEntry pair, ReadOnlySpan<byte> data) =>
        SendToLocked(pair.Local, new SocketAddressKey(pair.Remote.Address, pair.Remote.EndPoint), data);

    private void SendToLocked(LocalCandidateEntry local, SocketAddressKey to, ReadOnlySpan<byte> data)
    {
        if (SendViaRelayLocked(local, to, data))
        {
            return;
        }

        SendRaw(local.Socket, to.Address, data);
    }

    /// <summary>
    /// Synchronous send on the non-blocking socket: UDP send completes immediately or fails with WouldBlock (then the
    /// datagram is dropped, as the network could), and avoids the per-call state the async socket path allocates.
    /// </summary>
    private void SendData(CandidatePairEntry pair, ReadOnlySpan<byte> datagram)
    {
        if (pair.Local.Relay is { } relay)
        {
            relay.SendToPeer(pair.Remote.EndPoint, datagram);
            return;
        }

        SendRaw(pair.Local.Socket, pair.Remote.Address, datagram);
    }

    internal void SendRaw(IceSocket socket, SocketAddress to, ReadOnlySpan<byte> data)
    {
        try
        {
            socket.Socket.SendTo(data, SocketFlags.None, to);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
        {
            Interlocked.Increment(ref _droppedDatagrams);
        }
        catch (SocketException ex)
        {
            IceLog.SendFailed(_logger, NetworkAddress.ToEndPoint(to), ex.SocketErrorCode.ToString());
        }
        catch (ObjectDisposedException)
        {
            // closing
        }
    }

    /// <summary>Connects one socket's datagrams on a shared receive thread to this agent.</summary>
    private sealed class SocketSink(IceAgent agent, IceSocket socket) : Transport.IDatagramSink
    {
        public void OnDatagram(SocketAddress from, ReadOnlySpan<byte> datagram) => agent.OnDatagram(socket, from, datagram);

        public void OnDatagramFailed(Exception exception, int length) => IceLog.DatagramFailed(agent._logger, exception, length);

        public void OnReceiveFailed(SocketException exception) => IceLog.ReceiveLoopFailed(agent._logger, exception, socket.LocalEndPoint);
    }
}
