using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace PhoneBridge.Rtc.Stun;

/// <summary>(XOR-)MAPPED-ADDRESS value encoding (RFC 8489 §14.1–14.2).</summary>
internal static class StunAddressCodec
{
    private const byte FamilyIpv4 = 0x01;
    private const byte FamilyIpv6 = 0x02;

    public static int EncodedLength(IPEndPoint endPoint) => endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? 20 : 8;

    public static bool TryRead(ReadOnlySpan<byte> value, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (value.Length < 4)
        {
            return false;
        }

        var family = value[1];
        var addressLength = family == FamilyIpv4 ? 4 : family == FamilyIpv6 ? 16 : -1;
        if (addressLength < 0 || value.Length != 4 + addressLength)
        {
            return false;
        }

        endPoint = new IPEndPoint(new IPAddress(value.Slice(4, addressLength)), BinaryPrimitives.ReadUInt16BigEndian(value[2..]));
        return true;
    }

    /// <param name="cookieAndId">Bytes 4..20 of the message: magic cookie then transaction ID.</param>
    public static bool TryReadXor(ReadOnlySpan<byte> value, ReadOnlySpan<byte> cookieAndId, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (value.Length < 4)
        {
            return false;
        }

        var family = value[1];
        var addressLength = family == FamilyIpv4 ? 4 : family == FamilyIpv6 ? 16 : -1;
        if (addressLength < 0 || value.Length != 4 + addressLength)
        {
            return false;
        }

        var port = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (StunMessage.MagicCookie >> 16));
        Span<byte> address = stackalloc byte[addressLength];
        for (var i = 0; i < addressLength; i++)
        {
            address[i] = (byte)(value[4 + i] ^ cookieAndId[i]);
        }

        endPoint = new IPEndPoint(new IPAddress(address), port);
        return true;
    }

    public static int Write(Span<byte> destination, IPEndPoint endPoint, ReadOnlySpan<byte> cookieAndIdOrEmpty)
    {
        var isV6 = endPoint.AddressFamily == AddressFamily.InterNetworkV6;
        var addressLength = isV6 ? 16 : 4;
        destination[0] = 0;
        destination[1] = isV6 ? FamilyIpv6 : FamilyIpv4;
        var xor = !cookieAndIdOrEmpty.IsEmpty;
        var port = (ushort)endPoint.Port;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], xor ? (ushort)(port ^ (StunMessage.MagicCookie >> 16)) : port);
        if (!endPoint.Address.TryWriteBytes(destination.Slice(4, addressLength), out _))
        {
            throw new ArgumentException("Address does not fit its family.", nameof(endPoint));
        }

        if (xor)
        {
            for (var i = 0; i < addressLength; i++)
            {
                destination[4 + i] ^= cookieAndIdOrEmpty[i];
            }
        }

        return 4 + addressLength;
    }
}
