using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Rtcp;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// Protected datagrams through <see cref="SrtpSession.UnprotectRtp"/> / <see cref="SrtpSession.UnprotectRtcp"/>
/// as <c>RtpAudioReceiver</c> receives them (demux on the second byte, a 2048-byte receive buffer), for both
/// negotiated profiles with fixed keys; what authenticates goes on to the RTP/RTCP readers.
/// Seeds are the RTP/RTCP seeds protected by a sending session with the same keys.
/// </summary>
internal static class SrtpTarget
{
    private const int ReceiveBufferSize = RtpAudioReceiver.MaxDatagramSize;

    public static FuzzTarget Create()
    {
        var seeds = new List<byte[]>();
        var receivers = new List<SrtpSession>();
        foreach (var profile in new[] { SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AeadAes128Gcm })
        {
            var key = Enumerable.Range(1, profile.MasterKeyLength()).Select(i => (byte)i).ToArray();
            var salt = Enumerable.Range(101, profile.MasterSaltLength()).Select(i => (byte)i).ToArray();
            var peerKey = key.Select(b => (byte)(b ^ 0xA5)).ToArray();
            var peerSalt = salt.Select(b => (byte)(b ^ 0x5A)).ToArray();
            using var sender = SrtpSession.Create(profile, peerKey, peerSalt, key, salt);
            receivers.Add(SrtpSession.Create(profile, key, salt, peerKey, peerSalt));
            foreach (var rtp in RtpSeeds.Rtp())
            {
                var buffer = new byte[rtp.Length + sender.RtpOverhead];
                rtp.CopyTo(buffer, 0);
                seeds.Add(buffer.AsSpan(0, sender.ProtectRtp(buffer, rtp.Length)).ToArray());
            }

            foreach (var rtcp in RtpSeeds.Rtcp())
            {
                var buffer = new byte[rtcp.Length + sender.RtcpOverhead];
                rtcp.CopyTo(buffer, 0);
                seeds.Add(buffer.AsSpan(0, sender.ProtectRtcp(buffer, rtcp.Length)).ToArray());
            }
        }

        var receive = new byte[ReceiveBufferSize];
        return new FuzzTarget("srtp", "SrtpSession.UnprotectRtp/Rtcp (AES-CM-80, AEAD-GCM)", seeds, input => Run(input, receivers, receive), 4096, Text: false);
    }

    private static void Run(ReadOnlySpan<byte> datagram, List<SrtpSession> receivers, byte[] receive)
    {
        if (datagram.Length is < 12 or > ReceiveBufferSize || datagram[0] is < 128 or > 191)
        {
            return;
        }

        foreach (var srtp in receivers)
        {
            var buffer = receive.AsSpan();
            datagram.CopyTo(buffer);
            if (datagram[1] is >= 192 and <= 223)
            {
                if (srtp.TryUnprotectRtcp(buffer, datagram.Length, out var rtcpLength))
                {
                    foreach (var packet in new RtcpCompoundReader(buffer[..rtcpLength]))
                    {
                        RtcpReport.TryReadSenderInfo(packet, out _);
                    }
                }
            }
            else if (srtp.TryUnprotectRtp(buffer, datagram.Length, out var length))
            {
                RtpAudioPacket.TryParse(buffer[..length], 1, out _);
            }
        }
    }
}
