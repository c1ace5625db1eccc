namespace PhoneBridge.Core.Registry;

/// <summary>Settings of the call registry (section <c>PhoneBridge:Registry</c>).</summary>
public sealed class CallRegistryOptions
{
    public const string SectionName = "PhoneBridge:Registry";

    /// <summary>
    /// How long a registered call waits for its media socket. The provider normally connects within a
    /// second or two of the webhook answer; the margin covers slow networks. A call we dial waits its ring timeout
    /// (<see cref="CallRegistrationRequest.RingTimeout"/>) on top, as its stream opens only once it is answered.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a claimed media socket may go without sending <c>start</c> after the upgrade before it is closed
    /// and its call released. Providers send it at once; a socket that does not holds a call for nothing.
    /// </summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Start deadlines from 0 (exclusive) to 5 minutes.</summary>
    public static bool IsValidStartTimeout(TimeSpan value) => value > TimeSpan.Zero && value <= TimeSpan.FromMinutes(5);
}
