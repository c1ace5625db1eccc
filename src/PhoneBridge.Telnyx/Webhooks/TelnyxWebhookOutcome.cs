namespace PhoneBridge.Telnyx.Webhooks;

internal enum TelnyxWebhookOutcome
{
    /// <summary>Acted on (work queued or state changed).</summary>
    Handled,

    /// <summary>Seen before (same event id, or a second <c>call.initiated</c> for the call); nothing done.</summary>
    Duplicate,

    /// <summary>Not something the bridge acts on, or too late to matter.</summary>
    Ignored,

    /// <summary>Could not take the work now; answering 503 lets Telnyx deliver it again.</summary>
    Busy,

    /// <summary>A new call while the instance drains: 503 with <c>Retry-After</c>, so Telnyx tries the failover URL.</summary>
    Draining,
}
