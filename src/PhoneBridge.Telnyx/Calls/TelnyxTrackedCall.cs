namespace PhoneBridge.Telnyx.Calls;

/// <summary>What the bridge knows of one Telnyx call, keyed by its <c>call_control_id</c>.</summary>
internal sealed class TelnyxTrackedCall(string callControlId, string callId, bool outbound, DateTimeOffset createdAt)
{
    private int _streaming;
    private int _answered;

    public string CallControlId { get; } = callControlId;

    /// <summary>Our call id: the registry key and the media URL segment.</summary>
    public string CallId { get; } = callId;

    public bool Outbound { get; } = outbound;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public TelnyxStreamingState Streaming
    {
        get => (TelnyxStreamingState)Volatile.Read(ref _streaming);
        set => Volatile.Write(ref _streaming, (int)value);
    }

    public bool Answered
    {
        get => Volatile.Read(ref _answered) != 0;
        set => Volatile.Write(ref _answered, value ? 1 : 0);
    }
}

internal enum TelnyxStreamingState
{
    NotStarted,
    Started,
    Stopped,
    Failed,
}
