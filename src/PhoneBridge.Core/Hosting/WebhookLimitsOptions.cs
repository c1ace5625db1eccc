namespace PhoneBridge.Core.Hosting;

/// <summary>
/// Body limits for the provider webhooks and management routes (key <c>PhoneBridge:Server:MaxWebhookBytes</c>;
/// the host's own settings share that section).
/// </summary>
public sealed class WebhookLimitsOptions
{
    public const string SectionName = "PhoneBridge:Server";

    /// <summary>
    /// Largest request body accepted on <c>/twilio/*</c> and <c>/telnyx/*</c> HTTP routes (not the media sockets).
    /// Real webhooks are a few kilobytes; the limit is what any unauthenticated request can make the server hold.
    /// </summary>
    public int MaxWebhookBytes { get; set; } = 64 * 1024;

    internal static bool IsValid(WebhookLimitsOptions options) =>
        options.MaxWebhookBytes is >= 1024 and <= 1024 * 1024;
}
