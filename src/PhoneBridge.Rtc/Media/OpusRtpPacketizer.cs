using System.Buffers.Binary;
using PhoneBridge.Audio;
using PhoneBridge.Rtc.Opus;

namespace PhoneBridge.Rtc.Media;

/// <summary>
/// Turns 20 ms PCM frames into Opus RTP packets (RFC 7587): 48 kHz RTP clock whatever the encoder rate, so the
/// timestamp advances 960 per frame; marker bit on the first packet of a talkspurt; RFC 6464 audio level and
/// RFC 8843 mid in one-byte header extensions (RFC 8285) when negotiated. Writes into the caller's buffer.
/// </summary>
public sealed class OpusRtpPacketizer
{
    /// <summary>RTP timestamp advance per frame on Opus' 48 kHz clock.</summary>
    public static readonly int RtpTicksPerFrame = (int)AudioFrame.RtpTicksAt(48000);

    public const int HeaderSize = 12;

    // The V flag of RFC 6464 is the sender's voice-activity guess; louder than −50 dBov counts as voice.
    private const int VoiceThresholdDbov = 50;

    /// <summary>A pause longer than this starts a new talkspurt (marker set, timestamp jumps over the gap).</summary>
    public static readonly TimeSpan TalkspurtGap = TimeSpan.FromMilliseconds(60);

    private readonly OpusEncoder _encoder;
    private ushort _sequence;
    private uint _timestamp;
    private bool _first = true;

    public OpusRtpPacketizer(OpusEncoder encoder, uint ssrc, byte payloadType, ushort initialSequence, uint initialTimestamp)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        _encoder = encoder;
        Ssrc = ssrc;
        PayloadType = payloadType;
        _sequence = initialSequence;
        _timestamp = initialTimestamp;
    }

    public uint Ssrc { get; }

    public byte PayloadType { get; set; }

    /// <summary>One-byte extension id for ssrc-audio-level, 0 = not negotiated.</summary>
    public int AudioLevelExtensionId { get; set; }

    /// <summary>One-byte extension id for sdes:mid, 0 = not negotiated.</summary>
    public int MidExtensionId { get; set; }

    public string? Mid { get; set; }

    public long PacketsSent { get; private set; }

    public long OctetsSent { get; private set; }

    /// <summary>RTP timestamp of the most recent packet (for sender reports).</summary>
    public uint LastTimestamp => _timestamp;

    /// <summary>Maximum packet size this writes: header + extensions + the largest Opus frame (+ room for an SRTP tag).</summary>
    public static int MaxPacketSize => HeaderSize + 4 + 4 + 20 + OpusEncoder.MaxPacketSize;

    /// <summary>Encodes one frame and writes the RTP packet; returns its length. <paramref name="sinceLastFrame"/> drives talkspurt detection.</summary>
    public int Packetize(ReadOnlySpan<short> pcm, Span<byte> packet, TimeSpan sinceLastFrame)
    {
        var marker = _first || sinceLastFrame > TalkspurtGap;
        if (!_first)
        {
            var frames = marker ? Math.Max(1, (long)Math.Round(sinceLastFrame / AudioFrame.Duration)) : 1;
            _timestamp += (uint)(frames * RtpTicksPerFrame);
        }

        _first = false;
        var offset = WriteHeader(packet, marker, pcm);
        var payloadLength = _encoder.Encode(pcm, packet[offset..]);
        _sequence++;
        PacketsSent++;
        OctetsSent += payloadLength;
        return offset + payloadLength;
    }

    private int WriteHeader(Span<byte> packet, bool marker, ReadOnlySpan<short> pcm)
    {
        var midBytes = MidExtensionId > 0 && Mid is { Length: > 0 and <= 16 } ? Mid.Length : 0;
        var hasExtension = AudioLevelExtensionId > 0 || midBytes > 0;
        packet[0] = (byte)(0x80 | (hasExtension ? 0x10 : 0));
        packet[1] = (byte)((marker ? 0x80 : 0) | (PayloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], _sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], _timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], Ssrc);
        if (!hasExtension)
        {
            return HeaderSize;
        }

        // RFC 8285 one-byte form: 0xBEDE, length in 32-bit words, then id/len-1 nibbles + data, zero padded.
        var ext = packet[(HeaderSize + 4)..];
        var n = 0;
        if (AudioLevelExtensionId > 0)
        {
            var level = AudioLevelExtension.Measure(pcm);
            ext[n++] = (byte)(AudioLevelExtensionId << 4);
            ext[n++] = AudioLevelExtension.Encode(level, voiceActivity: level < VoiceThresholdDbov);
        }

        if (midBytes > 0)
        {
            ext[n++] = (byte)((MidExtensionId << 4) | (midBytes - 1));
            for (var i = 0; i < midBytes; i++)
            {
                ext[n++] = (byte)Mid![i];
            }
        }

        var words = (n + 3) / 4;
        ext[n..(words * 4)].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(packet[HeaderSize..], 0xBEDE);
        BinaryPrimitives.WriteUInt16BigEndian(packet[(HeaderSize + 2)..], (ushort)words);
        return HeaderSize + 4 + (words * 4);
    }
}
