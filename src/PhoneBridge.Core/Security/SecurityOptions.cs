namespace PhoneBridge.Core.Security;

/// <summary>Limits on unauthenticated callers (section <c>PhoneBridge:Security</c>).</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "PhoneBridge:Security";

    /// <summary>
    /// Failed authentications (webhook signature, media token, API key) one client address may cause per minute;
    /// past it that address gets 429 on the protected routes until its window rolls. Successes never count.
    /// </summary>
    public int MaxFailedAuthPerMinute { get; set; } = 60;

    internal static bool IsValid(SecurityOptions options) =>
        options.MaxFailedAuthPerMinute is >= 1 and <= 100_000;
}
