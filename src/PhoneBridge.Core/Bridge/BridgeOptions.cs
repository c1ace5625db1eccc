namespace PhoneBridge.Core.Bridge;

/// <summary>Settings of the phone-to-edge bridge (section <c>PhoneBridge:Bridge</c>).</summary>
public sealed class BridgeOptions
{
    public const string SectionName = "PhoneBridge:Bridge";

    /// <summary>
    /// Caller audio kept while the edge session is still joining; older audio is dropped. Short, so
    /// the agent does not hear a backlog that would delay every answer by the same amount.
    /// </summary>
    public TimeSpan PreLiveBuffer { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest wait for leaving the edge call or hanging up the phone when a call ends.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Join the edge call at registration (from the webhook) when the phone's rate is known then, so the edge is
    /// live before the media socket opens; off, the bridge joins when the media stream starts.
    /// </summary>
    public bool JoinEdgeAtRegistration { get; set; } = true;

    internal static bool IsValid(BridgeOptions o) =>
        o.PreLiveBuffer >= TimeSpan.Zero && o.PreLiveBuffer <= TimeSpan.FromSeconds(5)
        && o.ShutdownTimeout > TimeSpan.Zero && o.ShutdownTimeout <= TimeSpan.FromMinutes(1);
}
