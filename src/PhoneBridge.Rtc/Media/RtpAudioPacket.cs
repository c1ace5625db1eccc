using System.Buffers.Binary;

namespace PhoneBridge.Rtc.Media;

/// <summary>The fields of an incoming RTP packet the audio receive path needs (RFC 3550 §5.1, RFC 8285).</summary>
public readonly ref struct RtpAudioPacket
{
    private RtpAudioPacket(ReadOnlySpan<byte> payload, ushort sequence, uint timestamp, uint ssrc, byte payloadType, bool marker, int audioLevel)
    {
        Payload = payload;
        SequenceNumber = sequence;
        Timestamp = timestamp;
        Ssrc = ssrc;
        PayloadType = payloadType;
        Marker = marker;
        AudioLevel = audioLevel;
    }

    public ReadOnlySpan<byte> Payload { get; }

    public ushort SequenceNumber { get; }

    public uint Timestamp { get; }

    public uint Ssrc { get; }

    public byte PayloadType { get; }

    public bool Marker { get; }

    /// <summary>RFC 6464 level (0–127) or −1 when absent.</summary>
    public int AudioLevel { get; }

    /// <summary>Parses a (decrypted) RTP packet; false for anything malformed, never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, int audioLevelExtensionId, out RtpAudioPacket result)
    {
        result = default;
        if (packet.Length < 12 || (packet[0] >> 6) != 2)
        {
            return false;
        }

        var csrcCount = packet[0] & 0x0F;
        var offset = 12 + (4 * csrcCount);
        if (offset > packet.Length)
        {
            return false;
        }

        var end = packet.Length;
        if ((packet[0] & 0x20) != 0)
        {
            var padding = packet[^1];
            if (padding == 0 || padding > end - offset)
            {
                return false;
            }

            end -= padding;
        }

        var level = -1;
        if ((packet[0] & 0x10) != 0)
        {
            if (offset + 4 > end)
            {
                return false;
            }

            var profile = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]) * 4;
            var start = offset + 4;
            if (start + length > end)
            {
                return false;
            }

            if (audioLevelExtensionId > 0)
            {
                level = FindAudioLevel(packet.Slice(start, length), profile, audioLevelExtensionId);
            }

            offset = start + length;
        }

        result = new RtpAudioPacket(
            packet[offset..end],
            BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            (byte)(packet[1] & 0x7F),
            (packet[1] & 0x80) != 0,
            level);
        return true;
    }

    private static int FindAudioLevel(ReadOnlySpan<byte> ext, ushort profile, int id)
    {
        var oneByte = profile == 0xBEDE;
        if (!oneByte && (profile & 0xFFF0) != 0x1000)
        {
            return -1;
        }

        var i = 0;
        while (i < ext.Length)
        {
            if (ext[i] == 0)
            {
                i++;
                continue;
            }

            int elementId, length;
            if (oneByte)
            {
                elementId = ext[i] >> 4;
                length = (ext[i] & 0x0F) + 1;
                i++;
                if (elementId == 15)
                {
                    return -1;
                }
            }
            else
            {
                if (i + 1 >= ext.Length)
                {
                    return -1;
                }

                elementId = ext[i];
                length = ext[i + 1];
                i += 2;
            }

            if (i + length > ext.Length)
            {
                return -1;
            }

            if (elementId == id && length >= 1)
            {
                return ext[i] & 0x7F;
            }

            i += length;
        }

        return -1;
    }
}
