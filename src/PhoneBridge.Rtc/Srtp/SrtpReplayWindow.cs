namespace PhoneBridge.Rtc.Srtp;

/// <summary>
/// Replay list of RFC 3711 §3.3.2 as a 64-packet sliding bitmap behind the highest authenticated index. It is only
/// advanced after a packet authenticates, so forged packets cannot move it.
/// </summary>
internal struct SrtpReplayWindow
{
    public const int Size = 64;

    private ulong _mask;

    public bool HasHighest { get; private set; }

    public ulong Highest { get; private set; }

    public readonly SrtpStatus Check(ulong index)
    {
        if (!HasHighest || index > Highest)
        {
            return SrtpStatus.Ok;
        }

        ulong delta = Highest - index;
        if (delta >= Size)
        {
            return SrtpStatus.TooOld;
        }

        return (_mask & (1UL << (int)delta)) != 0 ? SrtpStatus.Replayed : SrtpStatus.Ok;
    }

    public void Accept(ulong index)
    {
        if (!HasHighest)
        {
            HasHighest = true;
            Highest = index;
            _mask = 1;
            return;
        }

        if (index > Highest)
        {
            ulong shift = index - Highest;
            _mask = shift >= Size ? 1 : (_mask << (int)shift) | 1;
            Highest = index;
        }
        else
        {
            _mask |= 1UL << (int)(Highest - index);
        }
    }
}
