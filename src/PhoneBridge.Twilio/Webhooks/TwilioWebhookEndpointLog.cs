using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>Log messages of <see cref="TwilioWebhookEndpoint"/>. Tokens, media URLs and phone numbers never appear in them.</summary>
internal static partial class TwilioWebhookEndpointLog
{
    [LoggerMessage(EventId = 2110, EventName = "CallRegistered", Level = LogLevel.Information,
        Message = "Twilio call {CallId} registered (CallSid {CallSid})")]
    public static partial void CallRegistered(ILogger logger, string callId, string callSid);

    [LoggerMessage(EventId = 2111, EventName = "VoiceWebhookWithoutCallSid", Level = LogLevel.Warning,
        Message = "Twilio voice webhook without a CallSid; rejected")]
    public static partial void VoiceWebhookWithoutCallSid(ILogger logger);
}
