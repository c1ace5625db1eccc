using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio.Rest;

/// <summary>Log messages of <see cref="TwilioRestClient"/>. Tokens, media URLs and phone numbers never appear in them.</summary>
internal static partial class TwilioRestClientLog
{
    [LoggerMessage(EventId = 2300, EventName = "ApiError", Level = LogLevel.Warning,
        Message = "Twilio API refused a request: HTTP {HttpStatus}, code {Code}: {Message}")]
    public static partial void ApiError(ILogger logger, int httpStatus, int? code, string? message);

    [LoggerMessage(EventId = 2301, EventName = "CallHungUp", Level = LogLevel.Information,
        Message = "Twilio call {CallSid} hung up through the API")]
    public static partial void CallHungUp(ILogger logger, string callSid);

    [LoggerMessage(EventId = 2302, EventName = "CallRedirected", Level = LogLevel.Information,
        Message = "Twilio call {CallSid} redirected to new TwiML through the API")]
    public static partial void CallRedirected(ILogger logger, string callSid);
}
