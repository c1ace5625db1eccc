namespace PhoneBridge.Rtc.Rtcp;

/// <summary>64-bit NTP timestamps for sender reports (RFC 3550 §4) and the 32-bit "middle" form used by LSR/DLSR.</summary>
public static class RtcpNtpTime
{
    private static readonly DateTimeOffset Epoch = new(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static ulong FromDateTime(DateTimeOffset time)
    {
        TimeSpan sinceEpoch = time - Epoch;
        ulong seconds = (ulong)(sinceEpoch.Ticks / TimeSpan.TicksPerSecond);
        ulong fraction = (ulong)(sinceEpoch.Ticks % TimeSpan.TicksPerSecond) * (1UL << 32) / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }

    public static DateTimeOffset ToDateTime(ulong ntp)
    {
        ulong seconds = ntp >> 32;
        ulong fraction = ntp & 0xFFFF_FFFF;
        long ticks = (long)seconds * TimeSpan.TicksPerSecond + (long)(fraction * TimeSpan.TicksPerSecond >> 32);
        return Epoch.AddTicks(ticks);
    }

    /// <summary>The middle 32 bits (16.16 fixed point seconds), as carried in the LSR field.</summary>
    public static uint Middle(ulong ntp) => (uint)(ntp >> 16);

    /// <summary>A delay in units of 1/65536 s, as carried in the DLSR field.</summary>
    public static uint ToDelay(TimeSpan delay) =>
        delay <= TimeSpan.Zero ? 0 : (uint)Math.Min(uint.MaxValue, delay.Ticks * 65536 / TimeSpan.TicksPerSecond);
}
