namespace PhoneBridge.Core.Telemetry;

/// <summary>Why a provider request was refused, as <c>phonebridge.webhooks.rejected</c> counts it.</summary>
public enum WebhookRejection
{
    /// <summary>A provider signature missing or wrong (Twilio's <c>X-Twilio-Signature</c>, Telnyx's Ed25519).</summary>
    Signature,

    /// <summary>A media URL whose call is unknown or whose one-time token is wrong.</summary>
    Token,

    /// <summary>A media token past its deadline, or a Telnyx webhook timestamp outside the tolerance.</summary>
    Expired,

    /// <summary>A media token already claimed by an earlier socket.</summary>
    Reused,
}
