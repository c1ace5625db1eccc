using FsCheck;
using FsCheck.Xunit;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Tests.Srtp;

public class SrtpFuzzTests
{
    private static readonly byte[] Master = Enumerable.Range(0, 60).Select(i => (byte)(i * 13)).ToArray();

    private static SrtpSession Session(SrtpProfile profile) => SrtpSession.Create(
        profile,
        Master.AsSpan(0, 16), Master.AsSpan(16, profile.MasterSaltLength()),
        Master.AsSpan(0, 16), Master.AsSpan(16, profile.MasterSaltLength()));

    [Property(MaxTest = 500)]
    public bool ArbitraryBytes_NeverUnprotect(byte[] data, bool gcm, bool rtpLooking)
    {
        using var session = Session(gcm ? SrtpProfile.AeadAes128Gcm : SrtpProfile.AesCm128HmacSha1_80);
        byte[] p = (byte[])data.Clone();
        if (rtpLooking && p.Length > 0)
        {
            p[0] = (byte)(0x80 | (p[0] & 0x3F));
        }

        byte[] q = (byte[])p.Clone();
        return session.UnprotectRtp(p, p.Length, out _) != SrtpStatus.Ok
            && session.UnprotectRtcp(q, q.Length, out _) != SrtpStatus.Ok;
    }

    [Property(MaxTest = 300)]
    public bool FlippingAnyBit_IsDetected(byte[] payload, NonNegativeInt bit, bool gcm)
    {
        var profile = gcm ? SrtpProfile.AeadAes128Gcm : SrtpProfile.AesCm128HmacSha1_80;
        using var sender = Session(profile);
        using var receiver = Session(profile);
        byte[] buffer = new byte[12 + payload.Length + SrtpProfileInfo.MaxOverhead];
        buffer[0] = 0x80;
        buffer[3] = 9;
        payload.CopyTo(buffer, 12);
        int n = sender.ProtectRtp(buffer, 12 + payload.Length);
        int flip = bit.Get % (n * 8);
        buffer[flip / 8] ^= (byte)(1 << (flip % 8));
        SrtpStatus status = receiver.UnprotectRtp(buffer, n, out _);
        return status != SrtpStatus.Ok;
    }
}
