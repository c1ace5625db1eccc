namespace PhoneBridge.Stream.Sfu;

/// <summary>How an SFU session ended.</summary>
public enum SfuSessionEndKind
{
    /// <summary>We left (phone hung up, shutdown).</summary>
    Left,

    /// <summary>The SFU ended the call (<c>call_ended</c>) or told us to disconnect.</summary>
    CallEnded,

    /// <summary>Reconnection gave up or an unrecoverable error happened.</summary>
    Failed,
}

public sealed record SfuSessionEnd(SfuSessionEndKind Kind, string Reason);
