namespace PhoneBridge.Core.Calls;

/// <summary>What became of a DTMF request.</summary>
public enum DtmfOutcome
{
    /// <summary>The provider accepted the digits, or their tones are queued.</summary>
    Sent,

    /// <summary>In-band tones are needed and the call's media has not started.</summary>
    NoMedia,

    /// <summary>The call's tone queue is full.</summary>
    QueueFull,
}
