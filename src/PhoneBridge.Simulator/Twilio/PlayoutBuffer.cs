namespace PhoneBridge.Simulator.Twilio;

/// <summary>
/// Models Twilio's playout of the audio the server sends: media is queued and "played" in real time,
/// a mark comes back once the audio queued before it has played (at once when nothing is queued), and
/// <c>clear</c> drops the queue and returns every pending mark. Times are <see cref="TimeProvider"/>
/// timestamps. Not thread-safe.
/// </summary>
public sealed class PlayoutBuffer
{
    private readonly Queue<(string Name, long DueAt)> _marks = new();
    private readonly long _ticksPerByte;
    private long _playedUntil;

    /// <param name="timestampFrequency"><see cref="TimeProvider.TimestampFrequency"/>.</param>
    /// <param name="bytesPerSecond">8000 for μ-law 8 kHz.</param>
    public PlayoutBuffer(long timestampFrequency, int bytesPerSecond = 8000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timestampFrequency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerSecond, 1);
        TimestampFrequency = timestampFrequency;
        BytesPerSecond = bytesPerSecond;
        _ticksPerByte = timestampFrequency / bytesPerSecond;
    }

    public long TimestampFrequency { get; }

    public int BytesPerSecond { get; }

    public int PendingMarks => _marks.Count;

    /// <summary>Queues <paramref name="bytes"/> of audio received at <paramref name="now"/>.</summary>
    public void Enqueue(int bytes, long now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        _playedUntil = Math.Max(_playedUntil, now) + (bytes * _ticksPerByte);
    }

    /// <summary>Audio still to play at <paramref name="now"/>.</summary>
    public TimeSpan Buffered(long now) =>
        _playedUntil <= now ? TimeSpan.Zero : TimeSpan.FromSeconds((double)(_playedUntil - now) / TimestampFrequency);

    /// <summary>
    /// Adds a mark received at <paramref name="now"/>. Returns true when it is due at once (nothing
    /// queued before it); otherwise it waits for <see cref="TakeDue"/>.
    /// </summary>
    public bool AddMark(string name, long now)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_playedUntil <= now && _marks.Count == 0)
        {
            return true;
        }

        _marks.Enqueue((name, Math.Max(_playedUntil, now)));
        return false;
    }

    /// <summary>Moves marks whose audio has played by <paramref name="now"/> to <paramref name="due"/>, in order.</summary>
    public void TakeDue(long now, List<string> due)
    {
        ArgumentNullException.ThrowIfNull(due);
        while (_marks.TryPeek(out var mark) && mark.DueAt <= now)
        {
            due.Add(_marks.Dequeue().Name);
        }
    }

    /// <summary>True when <see cref="TakeDue"/> would return something.</summary>
    public bool HasDue(long now) => _marks.TryPeek(out var mark) && mark.DueAt <= now;

    /// <summary>Drops queued audio and returns every pending mark, in order.</summary>
    public void Clear(long now, List<string> cleared)
    {
        ArgumentNullException.ThrowIfNull(cleared);
        _playedUntil = now;
        while (_marks.TryDequeue(out var mark))
        {
            cleared.Add(mark.Name);
        }
    }
}
