using System.Net;
using System.Net.Sockets;

namespace PhoneBridge.Rtc.Transport;

/// <summary>
/// The owner of a socket registered with <see cref="DatagramReceiveThreads"/>. Its methods run on a receive thread
/// shared with other sockets, so they must not block.
/// </summary>
internal interface IDatagramSink
{
    /// <summary>One datagram; <paramref name="from"/> and <paramref name="datagram"/> are reused after the call returns.</summary>
    void OnDatagram(SocketAddress from, ReadOnlySpan<byte> datagram);

    /// <summary><see cref="OnDatagram"/> threw; the thread goes on with the next datagram.</summary>
    void OnDatagramFailed(Exception exception, int length);

    /// <summary>The socket failed for good (not a per-datagram ICMP error); nothing more is received on it.</summary>
    void OnReceiveFailed(SocketException exception);
}
