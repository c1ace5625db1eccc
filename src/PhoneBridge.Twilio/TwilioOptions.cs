namespace PhoneBridge.Twilio;

/// <summary>Twilio account and protocol settings (section <c>Twilio</c>).</summary>
public sealed class TwilioOptions
{
    public const string SectionName = "Twilio";

    /// <summary>Timeouts and retries of the REST client (<c>HttpResilienceOptions</c>).</summary>
    public const string HttpSectionName = "Twilio:Http";

    /// <summary>Serves <c>/twilio/*</c>. Set false for a Telnyx-only deployment, which then needs no Twilio token.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Account SID (<c>AC…</c>); needed for REST calls (outbound calls, hangup). Alias <c>Twilio:Client:AccountSid</c>.</summary>
    public string? AccountSid { get; set; }

    /// <summary>
    /// Primary auth token: signs webhooks and, without an API key, authenticates REST calls. Required outside
    /// Development. Aliases <c>Twilio:Client:AuthToken</c> and <c>Twilio:RequestValidation:AuthToken</c>.
    /// </summary>
    public string? AuthToken { get; set; }

    /// <summary>API key SID (<c>SK…</c>): when set with <see cref="ApiKeySecret"/>, REST calls use it instead of the auth token.</summary>
    public string? ApiKeySid { get; set; }

    public string? ApiKeySecret { get; set; }

    /// <summary>REST API base URL; tests point it at a local fake.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    /// <summary>
    /// Check <c>X-Twilio-Signature</c> on the media WebSocket upgrade. Twilio's exact signed URL for the upgrade cannot
    /// be verified here against live Twilio, so this can be turned off; the one-time token in the URL still
    /// authenticates the socket.
    /// </summary>
    public bool ValidateMediaSignature { get; set; } = true;

    /// <summary>Largest media-socket message accepted; larger ones close the socket with 1009.</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Messages queued towards Twilio before the oldest audio is dropped (50 per second of 20 ms audio).</summary>
    public int SendQueueCapacity { get; set; } = 500;

    /// <summary>
    /// <c>&lt;Parameter&gt;</c>s added to the media stream of every incoming call (<c>Twilio:StreamParameters:Name=value</c>).
    /// Twilio echoes them in the stream's <c>start</c> message; the agent finds them in the phone participant's
    /// <c>custom.phone.customParameters</c>. <c>callId</c> is the bridge's own and cannot be set here.
    /// </summary>
    public Dictionary<string, string> StreamParameters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Twilio.AspNet.Core's <c>Twilio:Client</c> keys, read as aliases (an explicit <c>Twilio:*</c> key wins).</summary>
    public TwilioClientAliases Client { get; set; } = new();

    /// <summary>Twilio.AspNet.Core's <c>Twilio:RequestValidation</c> keys, read as aliases.</summary>
    public TwilioRequestValidationAliases RequestValidation { get; set; } = new();

    /// <summary>Whether an API key SID and secret are configured (REST then authenticates with them).</summary>
    public bool UsesApiKey => !string.IsNullOrWhiteSpace(ApiKeySid) && !string.IsNullOrWhiteSpace(ApiKeySecret);

    /// <summary>Whether REST credentials are present: the account SID and either an API key or the auth token.</summary>
    public bool HasRestCredentials => !string.IsNullOrWhiteSpace(AccountSid) && (UsesApiKey || !string.IsNullOrWhiteSpace(AuthToken));
}

/// <summary><c>Twilio:Client:*</c> as Twilio.AspNet.Core spells it.</summary>
public sealed class TwilioClientAliases
{
    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    public string? ApiKeySid { get; set; }

    public string? ApiKeySecret { get; set; }
}

/// <summary><c>Twilio:RequestValidation:*</c> as Twilio.AspNet.Core spells it.</summary>
public sealed class TwilioRequestValidationAliases
{
    public string? AuthToken { get; set; }

    /// <summary>The public base URL signatures are checked against: an alias of <c>PhoneBridge:PublicUrl</c>.</summary>
    public string? BaseUrlOverride { get; set; }
}
