using System.Buffers.Binary;
using PhoneBridge.Rtc.Media;

namespace PhoneBridge.Rtc;

/// <summary>
/// Minimal RTCP for audio (RFC 3550 §6.4): one compound of SR (or RR when nothing is sent) with report blocks for
/// every remote stream, SDES CNAME, and BYE on close; on receive, remembers each sender report for LSR/DLSR.
/// </summary>
internal static class PeerRtcp
{
    public const int MaxSize = 1200;
    private const long NtpEpochOffsetSeconds = 2_208_988_800;

    public static int Write(Span<byte> buffer, IReadOnlyList<AudioTransceiver> transceivers, string cname, TimeProvider time, bool bye)
    {
        var now = time.GetUtcNow();
        return WriteCore(buffer, transceivers, cname, now, time, bye);
    }

    private static int WriteCore(Span<byte> buffer, IReadOnlyList<AudioTransceiver> transceivers, string cname, DateTimeOffset now, TimeProvider time, bool bye)
    {
        var senders = transceivers.Where(t => t.Packetizer is not null).ToList();
        var receivers = transceivers.Where(t => t.RemoteTrack is { Ssrc: not 0 } r && r.Jitter.BaseSequence >= 0).Take(31).ToList();
        if (transceivers.Count == 0)
        {
            return 0;
        }

        var localSsrc = senders.Count > 0 ? senders[0].Ssrc : transceivers[0].Ssrc;
        var offset = 0;
        if (senders.Count > 0)
        {
            var first = true;
            foreach (var s in senders)
            {
                var blocks = first ? receivers : [];
                offset += WriteSenderReport(buffer[offset..], s, blocks, now, time);
                first = false;
            }
        }
        else
        {
            offset += WriteReceiverReport(buffer[offset..], localSsrc, receivers, time);
        }

        offset += WriteSdes(buffer[offset..], senders.Count > 0 ? senders.Select(s => s.Ssrc) : [localSsrc], cname);
        if (bye)
        {
            var ssrcs = senders.Count > 0 ? senders.Select(s => s.Ssrc).ToList() : [localSsrc];
            buffer[offset] = (byte)(0x80 | ssrcs.Count);
            buffer[offset + 1] = 203;
            BinaryPrimitives.WriteUInt16BigEndian(buffer[(offset + 2)..], (ushort)ssrcs.Count);
            for (var i = 0; i < ssrcs.Count; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(buffer[(offset + 4 + (4 * i))..], ssrcs[i]);
            }

            offset += 4 + (4 * ssrcs.Count);
        }

        return offset;
    }

    /// <summary>Walks a decrypted compound packet; malformed input is ignored.</summary>
    public static void OnReceived(ReadOnlySpan<byte> packet, IReadOnlyList<AudioTransceiver> transceivers, long timestamp)
    {
        var offset = 0;
        while (offset + 8 <= packet.Length)
        {
            if ((packet[offset] >> 6) != 2)
            {
                return;
            }

            var length = (BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]) + 1) * 4;
            if (offset + length > packet.Length)
            {
                return;
            }

            if (packet[offset + 1] == 200 && length >= 28)
            {
                var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[(offset + 4)..]);
                var ntpMiddle = BinaryPrimitives.ReadUInt32BigEndian(packet[(offset + 10)..]);
                foreach (var t in transceivers)
                {
                    if (t.RemoteTrack is { } r && r.Ssrc == ssrc)
                    {
                        r.LastSenderReportNtp = ntpMiddle;
                        r.LastSenderReportArrival = timestamp;
                    }
                }
            }

            offset += length;
        }
    }

    private static int WriteSenderReport(Span<byte> b, AudioTransceiver sender, List<AudioTransceiver> blocks, DateTimeOffset now, TimeProvider time)
    {
        var p = sender.Packetizer!;
        var length = 28 + (24 * blocks.Count);
        b[0] = (byte)(0x80 | blocks.Count);
        b[1] = 200;
        BinaryPrimitives.WriteUInt16BigEndian(b[2..], (ushort)((length / 4) - 1));
        BinaryPrimitives.WriteUInt32BigEndian(b[4..], sender.Ssrc);
        var ntp = ToNtp(now);
        BinaryPrimitives.WriteUInt64BigEndian(b[8..], ntp);
        BinaryPrimitives.WriteUInt32BigEndian(b[16..], p.LastTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(b[20..], (uint)p.PacketsSent);
        BinaryPrimitives.WriteUInt32BigEndian(b[24..], (uint)p.OctetsSent);
        for (var i = 0; i < blocks.Count; i++)
        {
            WriteBlock(b[(28 + (24 * i))..], blocks[i].RemoteTrack!, time);
        }

        return length;
    }

    private static int WriteReceiverReport(Span<byte> b, uint ssrc, List<AudioTransceiver> blocks, TimeProvider time)
    {
        var length = 8 + (24 * blocks.Count);
        b[0] = (byte)(0x80 | blocks.Count);
        b[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(b[2..], (ushort)((length / 4) - 1));
        BinaryPrimitives.WriteUInt32BigEndian(b[4..], ssrc);
        for (var i = 0; i < blocks.Count; i++)
        {
            WriteBlock(b[(8 + (24 * i))..], blocks[i].RemoteTrack!, time);
        }

        return length;
    }

    private static void WriteBlock(Span<byte> b, RemoteAudioTrack track, TimeProvider time)
    {
        var jb = track.Jitter;
        var stats = jb.Stats;
        var expected = jb.HighestSequence - jb.BaseSequence + 1;
        var received = stats.Received - stats.Duplicates;
        var lost = Math.Clamp(expected - received, -0x800000, 0x7FFFFF);
        var expectedInterval = expected - track.PreviousExpected;
        var receivedInterval = received - track.PreviousReceived;
        track.PreviousExpected = expected;
        track.PreviousReceived = received;
        var lostInterval = expectedInterval - receivedInterval;
        var fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : (int)Math.Min(255, (lostInterval << 8) / expectedInterval);
        BinaryPrimitives.WriteUInt32BigEndian(b, track.Ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(b[4..], ((uint)fraction << 24) | ((uint)lost & 0xFFFFFF));
        BinaryPrimitives.WriteUInt32BigEndian(b[8..], (uint)jb.HighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(b[12..], jb.JitterRtpTicks);
        BinaryPrimitives.WriteUInt32BigEndian(b[16..], track.LastSenderReportNtp);
        var dlsr = track.LastSenderReportNtp == 0
            ? 0u
            : (uint)(time.GetElapsedTime(track.LastSenderReportArrival).TotalSeconds * 65536);
        BinaryPrimitives.WriteUInt32BigEndian(b[20..], dlsr);
    }

    private static int WriteSdes(Span<byte> b, IEnumerable<uint> ssrcs, string cname)
    {
        var list = ssrcs.ToList();
        var nameLength = Math.Min(cname.Length, 255);
        var chunk = 4 + 2 + nameLength + 1;
        chunk = (chunk + 3) & ~3;
        var length = 4 + (chunk * list.Count);
        b[..length].Clear();
        b[0] = (byte)(0x80 | list.Count);
        b[1] = 202;
        BinaryPrimitives.WriteUInt16BigEndian(b[2..], (ushort)((length / 4) - 1));
        for (var i = 0; i < list.Count; i++)
        {
            var c = b[(4 + (chunk * i))..];
            BinaryPrimitives.WriteUInt32BigEndian(c, list[i]);
            c[4] = 1;
            c[5] = (byte)nameLength;
            for (var k = 0; k < nameLength; k++)
            {
                c[6 + k] = (byte)cname[k];
            }
        }

        return length;
    }

    private static ulong ToNtp(DateTimeOffset now)
    {
        var unixTicks = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = (ulong)(unixTicks / TimeSpan.TicksPerSecond) + NtpEpochOffsetSeconds;
        var fraction = (ulong)(unixTicks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }
}
