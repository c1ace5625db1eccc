namespace PhoneBridge.Samples.TwilioOutboundAgent;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Placed Twilio call {CallSid} (bridge call {CallId}); waiting for it to end")]
    public static partial void Placed(ILogger logger, string callSid, string callId);

    [LoggerMessage(2, LogLevel.Error, "Twilio refused the call: code {Code}: {Message}")]
    public static partial void Refused(ILogger logger, int? code, string message);

    [LoggerMessage(3, LogLevel.Error, "Set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and NGROK_URL (or Twilio:AccountSid, Twilio:AuthToken, PhoneBridge:PublicUrl) to place a call")]
    public static partial void NotConfigured(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Twilio call {CallSid} ended: {Status}")]
    public static partial void CallEnded(ILogger logger, string callSid, string status);

    [LoggerMessage(5, LogLevel.Information, "Hung up Twilio call {CallSid} on shutdown")]
    public static partial void HungUp(ILogger logger, string callSid);

    [LoggerMessage(6, LogLevel.Warning, "Could not hang up Twilio call {CallSid} on shutdown: {Reason}")]
    public static partial void HangUpFailed(ILogger logger, string callSid, string reason);

    [LoggerMessage(7, LogLevel.Error, "Twilio's API could not be reached: {Reason}")]
    public static partial void Unreachable(ILogger logger, string reason);
}
