using System.Net;
using System.Net.Sockets;

namespace PhoneBridge.Rtc.Transport;

/// <summary>Address helpers shared by ICE and TURN: one form for IPv4 addresses, and endpoints from reused socket addresses.</summary>
internal static class NetworkAddress
{
    private static readonly IPEndPoint Ipv4Template = new(IPAddress.Any, 0);
    private static readonly IPEndPoint Ipv6Template = new(IPAddress.IPv6Any, 0);

    /// <summary>IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) become plain IPv4 so comparisons agree.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    public static IPEndPoint ToEndPoint(SocketAddress address) =>
        Normalize((IPEndPoint)(address.Family == AddressFamily.InterNetworkV6 ? Ipv6Template : Ipv4Template).Create(address));

    /// <summary>A private copy, since receive loops reuse their SocketAddress.</summary>
    public static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }
}
