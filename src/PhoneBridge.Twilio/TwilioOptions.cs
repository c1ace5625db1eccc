namespace PhoneBridge.Twilio;

/// <summary>Twilio account and protocol settings (section <c>Twilio</c>).</summary>
public sealed class TwilioOptions
{
    public const string SectionName = "Twilio";

    /// <summary>Serves <c>/twilio/*</c>. Set false for a Telnyx-only deployment, which then needs no Twilio token.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Account SID (<c>AC…</c>); needed for REST calls (outbound calls, hangup).</summary>
    public string? AccountSid { get; set; }

    /// <summary>Primary auth token: signs webhooks and authenticates REST calls. Required outside Development.</summary>
    public string? AuthToken { get; set; }

    /// <summary>REST API base URL; tests point it at a local fake.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>Largest media-socket message accepted; larger ones close the socket with 1009.</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Messages queued towards Twilio before the oldest audio is dropped (50 per second of 20 ms audio).</summary>
    public int SendQueueCapacity { get; set; } = 500;

    /// <summary>Whether REST credentials are present.</summary>
    public bool HasRestCredentials => !string.IsNullOrWhiteSpace(AccountSid) && !string.IsNullOrWhiteSpace(AuthToken);
}
