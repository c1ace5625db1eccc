namespace PhoneBridge.Rtc.Srtp;

/// <summary>Packet index estimation from a 16-bit sequence number (RFC 3711 §3.3.1 and Appendix A).</summary>
internal static class SrtpIndex
{
    /// <summary>
    /// Guesses the 48-bit index of <paramref name="seq"/> relative to the highest index seen so far, choosing the
    /// ROC (ROC-1, ROC or ROC+1) that puts it closest. False when the guess would precede index 0.
    /// </summary>
    public static bool TryEstimate(ulong highest, ushort seq, out ulong index)
    {
        long roc = (long)(highest >> 16);
        int sl = (ushort)highest;
        long v;
        if (sl < 32768)
        {
            v = seq - sl > 32768 ? roc - 1 : roc;
        }
        else
        {
            v = sl - 32768 > seq ? roc + 1 : roc;
        }

        if (v < 0)
        {
            index = 0;
            return false;
        }

        index = ((ulong)v << 16) | seq;
        return true;
    }
}
