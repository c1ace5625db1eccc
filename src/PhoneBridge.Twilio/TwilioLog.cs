using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio;

/// <summary>Log messages of the Twilio provider. Tokens, media URLs and phone numbers never appear in them.</summary>
internal static partial class TwilioLog
{
    [LoggerMessage(1001, LogLevel.Warning, "Rejected Twilio request to {Endpoint} from {RemoteIp}: {Reason}")]
    public static partial void SignatureRejected(ILogger logger, string? endpoint, string? remoteIp, SignatureFailure reason);

    [LoggerMessage(1002, LogLevel.Information, "Twilio call {CallId} registered (CallSid {CallSid})")]
    public static partial void CallRegistered(ILogger logger, string callId, string callSid);

    [LoggerMessage(1003, LogLevel.Warning, "Twilio voice webhook without a CallSid; rejected")]
    public static partial void VoiceWebhookWithoutCallSid(ILogger logger);

    [LoggerMessage(1010, LogLevel.Warning, "Twilio media socket for call {CallId} refused at the handshake: {Result}")]
    public static partial void MediaClaimRefused(ILogger logger, string callId, string result);

    [LoggerMessage(1011, LogLevel.Warning, "Request to the Twilio media endpoint is not a WebSocket upgrade; rejected")]
    public static partial void MediaNotWebSocket(ILogger logger);

    [LoggerMessage(1012, LogLevel.Information, "Twilio media socket for call {CallId} accepted")]
    public static partial void MediaAccepted(ILogger logger, string callId);

    [LoggerMessage(1013, LogLevel.Information, "Twilio media socket for call {CallId} ended")]
    public static partial void MediaEnded(ILogger logger, string callId);

    [LoggerMessage(1014, LogLevel.Error, "Twilio media bridge for call {CallId} failed")]
    public static partial void MediaBridgeFailed(ILogger logger, Exception exception, string callId);

    [LoggerMessage(1022, LogLevel.Information, "Outbound Twilio call {CallId} placed (CallSid {CallSid}, status {Status})")]
    public static partial void OutboundCallPlaced(ILogger logger, string callId, string callSid, string? status);

    [LoggerMessage(1023, LogLevel.Warning, "Twilio API refused a request: HTTP {HttpStatus}, code {Code}: {Message}")]
    public static partial void ApiError(ILogger logger, int httpStatus, int? code, string? message);

    [LoggerMessage(1024, LogLevel.Information, "Twilio call {CallSid} hung up through the API")]
    public static partial void CallHungUp(ILogger logger, string callSid);

    [LoggerMessage(1025, LogLevel.Warning, "Hanging up Twilio call {CallSid} through the API failed")]
    public static partial void HangUpFailed(ILogger logger, Exception exception, string callSid);
}

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

    /// <summary>The form body is beyond ASP.NET Core's form limits or not decodable (answered 400, not 403).</summary>
    MalformedForm,
}
