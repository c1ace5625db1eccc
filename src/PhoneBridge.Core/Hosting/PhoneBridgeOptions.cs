namespace PhoneBridge.Core.Hosting;

/// <summary>Host-wide settings (section <c>PhoneBridge</c>).</summary>
public sealed class PhoneBridgeOptions
{
    public const string SectionName = "PhoneBridge";

    /// <summary>
    /// Absolute http/https base URL the providers reach us at (e.g. an ngrok URL). Webhook signatures are
    /// checked against it and media URLs are built from it. When empty, both come from the request
    /// (after forwarded headers are applied).
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>Bearer key guarding our own management endpoints (outbound calls, hangup). Empty disables them.</summary>
    public string? ApiKey { get; set; }
}
