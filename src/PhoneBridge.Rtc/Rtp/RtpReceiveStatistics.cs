namespace PhoneBridge.Rtc.Rtp;

/// <summary>
/// Reception statistics of one remote source for receiver reports: sequence tracking with wrap cycles
/// (RFC 3550 A.1), loss (A.3), interarrival jitter (A.8) and LSR/DLSR. Not thread-safe: owned by the receive loop.
/// </summary>
/// <remarks>
/// The A.1 probation period is skipped: packets reach this class only after SRTP authenticated them, which is a
/// stronger test of a real source than two sequential numbers.
/// </remarks>
public sealed class RtpReceiveStatistics
{
    private const int SequenceModulo = 1 << 16;
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;

    private readonly int _clockRate;
    private bool _initialized;
    private ushort _maxSeq;
    private uint _cycles;
    private uint _baseSeq;
    private uint _badSeq = SequenceModulo + 1;
    private uint _received;
    private uint _expectedPrior;
    private uint _receivedPrior;
    private bool _haveTransit;
    private uint _transit;
    private uint _jitterQ4;
    private uint _lastSenderReport;
    private TimeSpan _lastSenderReportArrival;
    private bool _haveSenderReport;

    public RtpReceiveStatistics(uint ssrc, int clockRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clockRate, 1);
        Ssrc = ssrc;
        _clockRate = clockRate;
    }

    public uint Ssrc { get; }

    public uint PacketsReceived => _received;

    /// <summary>Highest sequence number received, extended with the wrap count (RFC 3550 §6.4.1).</summary>
    public uint ExtendedHighestSequence => _cycles + _maxSeq;

    /// <summary>Packets expected minus packets received; negative when duplicates arrived.</summary>
    public long CumulativeLost => _initialized ? (long)ExtendedHighestSequence - _baseSeq + 1 - _received : 0;

    /// <summary>Interarrival jitter in RTP timestamp units.</summary>
    public uint Jitter => _jitterQ4 >> 4;

    /// <summary>
    /// Records a received packet. <paramref name="arrival"/> is the receive time on any monotonic clock (e.g.
    /// <see cref="TimeProvider.GetElapsedTime(long)"/> since the call started). Returns false for a packet judged
    /// to come from a restarted or bogus sequence (a large jump), which is not counted until confirmed.
    /// </summary>
    public bool OnPacket(ushort sequenceNumber, uint rtpTimestamp, TimeSpan arrival)
    {
        if (!_initialized)
        {
            Restart(sequenceNumber);
            _initialized = true;
        }
        else
        {
            ushort delta = unchecked((ushort)(sequenceNumber - _maxSeq));
            if (delta < MaxDropout)
            {
                if (sequenceNumber < _maxSeq)
                {
                    _cycles += SequenceModulo;
                }

                _maxSeq = sequenceNumber;
            }
            else if (delta <= SequenceModulo - MaxMisorder)
            {
                if (sequenceNumber != _badSeq)
                {
                    _badSeq = (uint)((sequenceNumber + 1) & (SequenceModulo - 1));
                    return false;
                }

                // Two sequential packets after a jump: the sender restarted its sequence.
                Restart(sequenceNumber);
                _haveTransit = false;
            }

            // Otherwise a duplicate or reordered packet: counted, maximum unchanged.
        }

        _received++;
        UpdateJitter(rtpTimestamp, arrival);
        return true;
    }

    /// <summary>Remembers an SR from this source so the next report carries LSR and DLSR.</summary>
    public void OnSenderReport(ulong ntpTimestamp, TimeSpan arrival)
    {
        _lastSenderReport = RtcpNtpTime.Middle(ntpTimestamp);
        _lastSenderReportArrival = arrival;
        _haveSenderReport = true;
    }

    /// <summary>Builds the report block for this source and starts a new reporting interval.</summary>
    public RtcpReportBlock CreateReportBlock(TimeSpan now)
    {
        uint expected = _initialized ? ExtendedHighestSequence - _baseSeq + 1 : 0;
        uint expectedInterval = expected - _expectedPrior;
        uint receivedInterval = _received - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = _received;
        long lostInterval = (long)expectedInterval - receivedInterval;
        byte fraction = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
        long cumulative = Math.Clamp(CumulativeLost, RtcpReportBlock.MinCumulativeLost, RtcpReportBlock.MaxCumulativeLost);
        uint delay = _haveSenderReport ? RtcpNtpTime.ToDelay(now - _lastSenderReportArrival) : 0;
        return new RtcpReportBlock(Ssrc, fraction, (int)cumulative, ExtendedHighestSequence, Jitter,
            _haveSenderReport ? _lastSenderReport : 0, delay);
    }

    private void Restart(ushort sequenceNumber)
    {
        _baseSeq = sequenceNumber;
        _maxSeq = sequenceNumber;
        _badSeq = SequenceModulo + 1;
        _cycles = 0;
        _received = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
    }

    private void UpdateJitter(uint rtpTimestamp, TimeSpan arrival)
    {
        // A.8: J += (|D| - J) / 16, kept in 1/16 units to stay in integers.
        uint arrivalUnits = unchecked((uint)(arrival.Ticks * _clockRate / TimeSpan.TicksPerSecond));
        uint transit = unchecked(arrivalUnits - rtpTimestamp);
        if (_haveTransit)
        {
            int d = unchecked((int)(transit - _transit));
            uint magnitude = d < 0 ? (uint)-(long)d : (uint)d;
            _jitterQ4 = unchecked(_jitterQ4 + magnitude - ((_jitterQ4 + 8) >> 4));
        }

        _transit = transit;
        _haveTransit = true;
    }
}
