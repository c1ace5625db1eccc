namespace PhoneBridge.Core.Calls;

/// <summary>
/// What happened to one call, oldest first, for the dashboard's call page: registration (webhook or dial), media
/// socket, edge join, first audio, keys, transfers, hold, detection verdicts, recording and the end with its reason.
/// Bounded: past <see cref="Capacity"/> entries the oldest after the first (how the call began) are dropped and
/// counted. Details never hold a phone number. Appended rarely (never per frame), read by whoever shows it.
/// </summary>
public sealed class CallTimeline
{
    public const int Capacity = 64;

    private readonly Lock _gate = new();
    private readonly List<CallTimelineEntry> _entries = [];
    private int _dropped;

    /// <summary>Entries dropped to keep the timeline bounded (between the first and the ones kept).</summary>
    public int Dropped
    {
        get { lock (_gate) { return _dropped; } }
    }

    public void Add(DateTimeOffset at, string kind, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        lock (_gate)
        {
            if (_entries.Count >= Capacity)
            {
                _entries.RemoveAt(1);
                _dropped++;
            }

            _entries.Add(new CallTimelineEntry(at, kind, detail));
        }
    }

    /// <summary>A copy of the entries, oldest first.</summary>
    public CallTimelineEntry[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _entries];
        }
    }

    /// <summary>The timeline's kind and detail for an event the call directory publishes.</summary>
    public static (string Kind, string? Detail) Describe(CallEvent callEvent) => callEvent switch
    {
        PhoneCallEvent { State: "ended" } e => ("end", e.Reason),
        PhoneCallEvent { State: "answered" } => ("media", "media stream started"),
        PhoneCallEvent e => (e.State, null),
        PhoneTransferEvent e => ("transfer", e.Reason is null ? $"{e.Mode} {e.State}" : $"{e.Mode} {e.State}: {e.Reason}"),
        PhoneHoldEvent e => ("hold", e.Held ? "held" : "resumed"),
        PhoneAmdEvent e => ("amd", $"{e.Result} ({e.ProviderResult})"),
        PhoneRecordingEvent e => ("recording", e.State),
        _ => (callEvent.Type, null),
    };
}

/// <summary>One entry of a <see cref="CallTimeline"/>.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Kind">Short lower-case name: "webhook", "dial", "media", "edge", "audio", "dtmf", "transfer", "hold", "amd", "recording", "end", …</param>
/// <param name="Detail">What else there is to say (a reason, a key, a state); never a phone number.</param>
public sealed record CallTimelineEntry(DateTimeOffset At, string Kind, string? Detail);
