using System.Buffers.Binary;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Tests.Srtp;

public class SrtpSessionTests
{
    private const uint Ssrc = 0x1234_5678;
    private const int PayloadLength = 160;

    public static TheoryData<SrtpProfile> Profiles => new() { SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AeadAes128Gcm };

    /// <summary>A sender (DTLS client side) and receiver (server side) over keys from one exporter output.</summary>
    private static (SrtpSession Sender, SrtpSession Receiver) Pair(SrtpProfile profile, int seed = 7)
    {
        byte[] material = new byte[SrtpKeyingMaterial.ExporterLength(profile)];
        new Random(seed).NextBytes(material);
        var keys = SrtpKeyingMaterial.FromExporterOutput(profile, material);
        return (SrtpSession.Create(keys, isClient: true), SrtpSession.Create(keys, isClient: false));
    }

    /// <summary>An RTP packet whose payload encodes its 48-bit index, so a wrong ROC guess would be visible.</summary>
    private static int BuildRtp(Span<byte> buffer, ulong index)
    {
        buffer[0] = 0x80;
        buffer[1] = 111;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)index);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], (uint)(index * 960));
        BinaryPrimitives.WriteUInt32BigEndian(buffer[8..], Ssrc);
        Span<byte> payload = buffer.Slice(12, PayloadLength);
        payload.Fill((byte)index);
        BinaryPrimitives.WriteUInt64BigEndian(payload, index);
        return 12 + PayloadLength;
    }

    private static byte[] Protect(SrtpSession sender, ulong index)
    {
        byte[] buffer = new byte[12 + PayloadLength + SrtpProfileInfo.MaxOverhead];
        int plain = BuildRtp(buffer, index);
        int n = sender.ProtectRtp(buffer, plain);
        return buffer[..n];
    }

    private static ulong ReceivedIndex(SrtpSession receiver, byte[] wire)
    {
        Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtp(wire, wire.Length, out int plain));
        Assert.Equal(12 + PayloadLength, plain);
        return BinaryPrimitives.ReadUInt64BigEndian(wire.AsSpan(12));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void RoundTrip_RestoresPacketAndAddsTag(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        byte[] buffer = new byte[300];
        int plain = BuildRtp(buffer, 4242);
        byte[] original = buffer[..plain];

        int n = sender.ProtectRtp(buffer, plain);
        Assert.Equal(plain + profile.TagLength(), n);
        Assert.NotEqual(original[12..], buffer[12..plain]);
        Assert.Equal(original[..12], buffer[..12]);

        Assert.True(receiver.TryUnprotectRtp(buffer, n, out int back));
        Assert.Equal(original, buffer[..back]);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void LongCall_CrossesSequenceWrapThreeTimes(SrtpProfile profile)
    {
        // 50 packets/s for about 66 minutes, starting near the top of the sequence space like a random start can.
        var (sender, receiver) = Pair(profile);
        const ulong start = 65_000;
        const ulong count = 3 * 65_536 + 2_000;
        for (ulong i = start; i < start + count; i++)
        {
            Assert.Equal(i, ReceivedIndex(receiver, Protect(sender, i)));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void ReorderedPacketsAroundTheWrap_AllDecrypt(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        var wire = new Dictionary<ulong, byte[]>();
        for (ulong i = 65_500; i < 65_600; i++)
        {
            wire[i] = Protect(sender, i);
        }

        // Before the wrap first, then a mix of post-wrap and late pre-wrap packets.
        ulong[] order = [65_500, 65_501, 65_530, 65_536, 65_535, 65_538, 65_520, 65_537, 65_534, 65_540, 65_510, 65_539, 65_599, 65_560];
        foreach (ulong i in order)
        {
            Assert.Equal(i, ReceivedIndex(receiver, wire[i]));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void ReplayedPackets_AreRejected_AlsoAcrossTheWrap(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        byte[] before = Protect(sender, 65_535);
        byte[] after = Protect(sender, 65_536);
        ReceivedIndex(receiver, (byte[])before.Clone());
        ReceivedIndex(receiver, (byte[])after.Clone());

        Assert.Equal(SrtpStatus.Replayed, receiver.UnprotectRtp(after, after.Length, out _));
        Assert.Equal(SrtpStatus.Replayed, receiver.UnprotectRtp(before, before.Length, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void PacketsBehindTheWindow_AreRejected(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        byte[] old = Protect(sender, 1000);
        byte[] edge = Protect(sender, 1000 + 1);
        ReceivedIndex(receiver, Protect(sender, 999));
        ReceivedIndex(receiver, Protect(sender, 1000 + 64));

        Assert.Equal(SrtpStatus.TooOld, receiver.UnprotectRtp(old, old.Length, out _));
        Assert.Equal(1001UL, ReceivedIndex(receiver, edge));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void TamperedPackets_AreRejected_AndDoNotMoveTheRolloverCounter(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        ReceivedIndex(receiver, Protect(sender, 40_000));

        // A forged packet whose sequence number would push ROC forward if it were trusted.
        byte[] forged = Protect(sender, 10);
        forged[^1] ^= 0x01;
        Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.UnprotectRtp(forged, forged.Length, out _));

        byte[] payloadFlip = Protect(sender, 40_001);
        payloadFlip[20] ^= 0x80;
        Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.UnprotectRtp(payloadFlip, payloadFlip.Length, out _));

        byte[] headerFlip = Protect(sender, 40_002);
        headerFlip[1] ^= 0x01;
        Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.UnprotectRtp(headerFlip, headerFlip.Length, out _));

        Assert.Equal(40_003UL, ReceivedIndex(receiver, Protect(sender, 40_003)));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void WrongKeys_AreRejected(SrtpProfile profile)
    {
        var (sender, _) = Pair(profile, seed: 1);
        var (_, otherReceiver) = Pair(profile, seed: 2);
        byte[] wire = Protect(sender, 5);
        Assert.Equal(SrtpStatus.AuthenticationFailed, otherReceiver.UnprotectRtp(wire, wire.Length, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void HeaderExtensionAndCsrcs_StayInTheClearAndAuthenticated(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        byte[] buffer = new byte[200];
        byte[] header = Convert.FromHexString("926f0001000003c0123456780000000100000002bede000110850000");
        header.CopyTo(buffer, 0);
        buffer.AsSpan(header.Length, 50).Fill(0x5A);
        int plain = header.Length + 50;
        byte[] original = buffer[..plain];

        int n = sender.ProtectRtp(buffer, plain);
        Assert.Equal(header, buffer[..header.Length]);
        Assert.NotEqual(original[header.Length..], buffer[header.Length..plain]);

        Assert.True(receiver.TryUnprotectRtp(buffer, n, out int back));
        Assert.Equal(original, buffer[..back]);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtcp_RoundTripsWithIncreasingIndex_AndRejectsReplayAndTampering(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        byte[] rtcp = Convert.FromHexString("81c90007" + "12345678" + "cafebabe" + "00000001" + "0000ffff" + "00000010" + "00000000" + "00000000");
        var sent = new List<byte[]>();
        for (int i = 0; i < 3; i++)
        {
            byte[] buffer = new byte[rtcp.Length + profile.RtcpOverhead()];
            rtcp.CopyTo(buffer, 0);
            int n = sender.ProtectRtcp(buffer, rtcp.Length);
            Assert.Equal(rtcp.Length + profile.RtcpOverhead(), n);
            sent.Add(buffer);
        }

        Assert.NotEqual(sent[0], sent[1]);
        foreach (byte[] wire in sent.AsEnumerable().Reverse())
        {
            byte[] copy = (byte[])wire.Clone();
            Assert.Equal(SrtpStatus.Ok, receiver.UnprotectRtcp(copy, copy.Length, out int plain));
            Assert.Equal(rtcp, copy[..plain]);
        }

        byte[] replay = (byte[])sent[1].Clone();
        Assert.Equal(SrtpStatus.Replayed, receiver.UnprotectRtcp(replay, replay.Length, out _));

        byte[] tampered = (byte[])sent[2].Clone();
        tampered[10] ^= 0x04;
        Assert.NotEqual(SrtpStatus.Ok, receiver.UnprotectRtcp(tampered, tampered.Length, out _));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void DirectionsUseDifferentKeys(SrtpProfile profile)
    {
        var (client, _) = Pair(profile);
        byte[] wire = Protect(client, 77);
        // The client cannot unprotect what it sent itself: client and server write keys differ.
        Assert.Equal(SrtpStatus.AuthenticationFailed, client.UnprotectRtp(wire, wire.Length, out _));
    }

    [Fact]
    public void NewStreamsBeyondTheLimit_AreRejectedWithoutCrypto()
    {
        var (sender, receiver) = Pair(SrtpProfile.AesCm128HmacSha1_80);
        byte[] buffer = new byte[64];
        for (uint ssrc = 1; ssrc <= SrtpSession.MaxStreams + 1; ssrc++)
        {
            buffer.AsSpan().Clear();
            buffer[0] = 0x80;
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(8), ssrc);
            int n = sender.ProtectRtp(buffer, 20);
            SrtpStatus status = receiver.UnprotectRtp(buffer, n, out _);
            Assert.Equal(ssrc <= SrtpSession.MaxStreams ? SrtpStatus.Ok : SrtpStatus.TooManyStreams, status);
            if (ssrc == SrtpSession.MaxStreams)
            {
                sender = Pair(SrtpProfile.AesCm128HmacSha1_80).Sender;
            }
        }
    }

    [Fact]
    public void ProtectWithoutRoomForTheTag_Throws()
    {
        var (sender, _) = Pair(SrtpProfile.AesCm128HmacSha1_80);
        byte[] buffer = new byte[12 + PayloadLength];
        BuildRtp(buffer, 1);
        Assert.Throws<ArgumentException>(() => sender.ProtectRtp(buffer, buffer.Length));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void MalformedPackets_AreReportedNotThrown(SrtpProfile profile)
    {
        var (_, receiver) = Pair(profile);
        string[] packets =
        [
            "",
            "80",
            "80000001000000000000000100",                           // header with no room for a tag
            "40000001000000000000000100000000000000000000000000000000", // version 1
            "9f000001000000000000000100000000000000000000000000000000", // 15 CSRCs past the end
            "90000001000000000000000100000000000000000000000000000000", // extension header
            "9000000100000000000000010000ffff000000000000000000000000", // extension length past the end
        ];
        foreach (string hex in packets)
        {
            byte[] p = Convert.FromHexString(hex);
            Assert.NotEqual(SrtpStatus.Ok, receiver.UnprotectRtp(p, p.Length, out _));
            Assert.NotEqual(SrtpStatus.Ok, receiver.UnprotectRtcp(p, p.Length, out _));
        }

        byte[] small = new byte[4];
        Assert.Equal(SrtpStatus.Malformed, receiver.UnprotectRtp(small, 100, out _));
    }
}
