using PhoneBridge.Audio;
using PhoneBridge.Rtc.Opus;

namespace PhoneBridge.Rtc.Media;

/// <summary>
/// Receive-side reorder and loss buffer for one Opus RTP stream, driven by packet arrival (no timer).
/// In-order packets are decoded at once, so it adds no delay on a clean path. A gap is held open until packets
/// after it span the target delay (20–60 ms, adapted to the RFC 3550 interarrival jitter); then the missing frame
/// is rebuilt from the next packet's in-band FEC, or concealed by the decoder (PLC). Slots are preallocated:
/// nothing is allocated per packet.
/// </summary>
public sealed class JitterBuffer
{
    private const int MaxPayload = 1500;
    private const int RtpClockRate = 48000;
    private static readonly int RtpFrameTicks = (int)AudioFrame.RtpTicksAt(RtpClockRate);
    private const int MaxConcealedFramesOnResync = 3;
    private const int LateRunBeforeResync = 8;

    private readonly OpusDecoder _decoder;
    private readonly IAudioFrameSink _sink;
    private readonly Slot[] _slots;
    private readonly short[] _pcm;
    private readonly int _minDelayFrames;
    private readonly int _maxDelayFrames;

    private bool _started;
    private long _nextSeq;        // extended (unwrapped) sequence number of the next frame to play
    private long _highestSeq;     // highest extended sequence number received
    private uint _lastTransit;
    private bool _haveTransit;
    private double _jitterTicks;  // RFC 3550 §6.4.1 estimate in RTP clock ticks
    private int _lateRun;

    private long _received, _decoded, _fec, _concealed, _late, _duplicates, _corrupt, _resyncs;

    public JitterBuffer(OpusDecoder decoder, IAudioFrameSink sink, int capacityFrames = 16, int minDelayMs = 20, int maxDelayMs = 60)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityFrames, 4);
        _decoder = decoder;
        _sink = sink;
        _slots = new Slot[capacityFrames];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new Slot();
        }

        _pcm = new short[decoder.MaxFrameSize * decoder.Channels];
        _minDelayFrames = Math.Max(1, minDelayMs / AudioFrame.Milliseconds);
        _maxDelayFrames = Math.Clamp(maxDelayMs / AudioFrame.Milliseconds, _minDelayFrames, capacityFrames - 1);
    }

    /// <summary>First extended sequence number received (RFC 3550 base_seq), -1 before any packet.</summary>
    internal long BaseSequence { get; private set; } = -1;

    /// <summary>Highest extended sequence number received.</summary>
    internal long HighestSequence => _highestSeq;

    internal uint JitterRtpTicks => (uint)_jitterTicks;

    public int TargetDelayFrames
    {
        get
        {
            // Hold roughly twice the jitter, in whole frames.
            var frames = (int)Math.Ceiling(2 * _jitterTicks / RtpFrameTicks);
            return Math.Clamp(frames, _minDelayFrames, _maxDelayFrames);
        }
    }

    public JitterBufferStats Stats => new(
        Interlocked.Read(ref _received), Interlocked.Read(ref _decoded), Interlocked.Read(ref _fec),
        Interlocked.Read(ref _concealed), Interlocked.Read(ref _late), Interlocked.Read(ref _duplicates),
        Interlocked.Read(ref _corrupt), Interlocked.Read(ref _resyncs), TargetDelayFrames * AudioFrame.Milliseconds,
        _jitterTicks * 1000.0 / RtpClockRate);

    /// <summary>Adds one RTP payload. <paramref name="arrivalRtpTicks"/> is the arrival time on a 48 kHz clock (for jitter).</summary>
    public void Push(ushort sequenceNumber, uint timestamp, ReadOnlySpan<byte> payload, uint arrivalRtpTicks)
    {
        Interlocked.Increment(ref _received);
        if (payload.IsEmpty || payload.Length > MaxPayload)
        {
            Interlocked.Increment(ref _corrupt);
            return;
        }

        UpdateJitter(timestamp, arrivalRtpTicks);
        if (!_started)
        {
            _started = true;
            BaseSequence = sequenceNumber;
            _nextSeq = sequenceNumber;
            _highestSeq = sequenceNumber;
        }

        var seq = Extend(sequenceNumber);
        if (seq < _nextSeq)
        {
            Interlocked.Increment(ref _late);

            // A run of "late" packets means the sender restarted its sequence below ours, not reordering.
            if (++_lateRun < LateRunBeforeResync)
            {
                return;
            }

            Resync(seq);
        }

        _lateRun = 0;

        if (seq - _nextSeq >= _slots.Length)
        {
            Resync(seq);
        }

        var slot = _slots[seq % _slots.Length];
        if (slot.Filled && slot.Sequence == seq)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }

        slot.Store(seq, timestamp, payload);
        _highestSeq = Math.Max(_highestSeq, seq);
        Drain();
    }

    /// <summary>Plays out everything still held (e.g. when the stream ends), concealing gaps.</summary>
    public void Flush()
    {
        while (_started && _nextSeq <= _highestSeq)
        {
            PlayNext();
        }
    }

    private void Drain()
    {
        while (true)
        {
            var slot = _slots[_nextSeq % _slots.Length];
            if (slot.Filled && slot.Sequence == _nextSeq)
            {
                PlayNext();
                continue;
            }

            // A gap: give the missing packet until later packets cover the target delay.
            if (_highestSeq - _nextSeq > TargetDelayFrames)
            {
                PlayNext();
                continue;
            }

            return;
        }
    }

    private void PlayNext()
    {
        var slot = _slots[_nextSeq % _slots.Length];
        var frame = _decoder.FrameSize * _decoder.Channels;
        if (slot.Filled && slot.Sequence == _nextSeq)
        {
            slot.Filled = false;
            if (_decoder.TryDecode(slot.Payload.AsSpan(0, slot.Length), _pcm, out var samples, out _))
            {
                Interlocked.Increment(ref _decoded);
                _sink.OnFrame(_pcm.AsSpan(0, samples * _decoder.Channels));
            }
            else
            {
                Interlocked.Increment(ref _corrupt);
                Conceal(frame);
            }
        }
        else
        {
            var next = _slots[(_nextSeq + 1) % _slots.Length];
            if (next.Filled && next.Sequence == _nextSeq + 1 && TryFec(next, frame))
            {
                Interlocked.Increment(ref _fec);
            }
            else
            {
                Conceal(frame);
            }
        }

        _nextSeq++;
    }

    private bool TryFec(Slot next, int frame)
    {
        try
        {
            var samples = _decoder.DecodeFec(next.Payload.AsSpan(0, next.Length), _pcm.AsSpan(0, frame));
            _sink.OnFrame(_pcm.AsSpan(0, samples * _decoder.Channels));
            return true;
        }
        catch (OpusException)
        {
            return false;
        }
    }

    private void Conceal(int frame)
    {
        Interlocked.Increment(ref _concealed);
        var samples = _decoder.Conceal(_pcm.AsSpan(0, frame));
        _sink.OnFrame(_pcm.AsSpan(0, samples * _decoder.Channels));
    }

    private void Resync(long seq)
    {
        // A jump beyond the buffer (long outage or a restarted sender): conceal a little for continuity, then restart.
        Interlocked.Increment(ref _resyncs);
        for (var i = 0; i < MaxConcealedFramesOnResync && _nextSeq <= _highestSeq; i++)
        {
            PlayNext();
        }

        foreach (var s in _slots)
        {
            s.Filled = false;
        }

        _nextSeq = seq;
        _highestSeq = seq;
    }

    private long Extend(ushort sequenceNumber)
    {
        // Pick the unwrapped value closest to the highest seen, so 65535 → 0 continues upward.
        var candidate = (_highestSeq & ~0xFFFFL) | sequenceNumber;
        if (candidate - _highestSeq > 0x8000)
        {
            candidate -= 0x10000;
        }
        else if (_highestSeq - candidate > 0x8000)
        {
            candidate += 0x10000;
        }

        return candidate;
    }

    private void UpdateJitter(uint timestamp, uint arrival)
    {
        var transit = arrival - timestamp;
        if (_haveTransit)
        {
            var d = Math.Abs((int)(transit - _lastTransit));
            _jitterTicks += (d - _jitterTicks) / 16.0;
        }

        _lastTransit = transit;
        _haveTransit = true;
    }

    private sealed class Slot
    {
        public readonly byte[] Payload = new byte[MaxPayload];
        public long Sequence;
        public uint Timestamp;
        public int Length;
        public bool Filled;

        public void Store(long sequence, uint timestamp, ReadOnlySpan<byte> payload)
        {
            payload.CopyTo(Payload);
            Sequence = sequence;
            Timestamp = timestamp;
            Length = payload.Length;
            Filled = true;
        }
    }
}
