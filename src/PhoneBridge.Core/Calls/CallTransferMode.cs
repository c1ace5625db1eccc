namespace PhoneBridge.Core.Calls;

/// <summary>How a call is handed to someone else.</summary>
public enum CallTransferMode
{
    /// <summary>The caller leaves the bridge for the destination.</summary>
    Cold,

    /// <summary>The destination is dialled as a new leg into the same edge call; the caller stays.</summary>
    Warm,
}
