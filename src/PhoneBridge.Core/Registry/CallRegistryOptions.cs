namespace PhoneBridge.Core.Registry;

/// <summary>Settings of the call registry (section <c>PhoneBridge:Registry</c>).</summary>
public sealed class CallRegistryOptions
{
    public const string SectionName = "PhoneBridge:Registry";

    /// <summary>
    /// How long a registered call waits for its media socket. The provider normally connects within a
    /// second or two of the webhook answer; the margin covers slow networks and ringing before answer.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
