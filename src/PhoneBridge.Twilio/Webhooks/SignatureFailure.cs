namespace PhoneBridge.Twilio.Webhooks;

/// <summary>Why a request's <c>X-Twilio-Signature</c> was not accepted.</summary>
public enum SignatureFailure
{
    /// <summary>No <c>X-Twilio-Signature</c> header.</summary>
    Missing,

    /// <summary>The header does not match the request.</summary>
    Invalid,

    /// <summary>No auth token is configured, so nothing can be verified.</summary>
    NotConfigured,

    /// <summary>The request body could not be read (too large, aborted).</summary>
    UnreadableBody,

    /// <summary>The body is over <c>PhoneBridge:Server:MaxWebhookBytes</c> (answered 413).</summary>
    BodyTooLarge,

    /// <summary>The form is malformed or over the form reader's limits (answered 400).</summary>
    MalformedBody,
}
