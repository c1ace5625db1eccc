using Microsoft.Extensions.Logging;

namespace PhoneBridge.Rtc.Dtls;

internal static partial class DtlsTransportLog
{
    [LoggerMessage(EventId = 5300, EventName = nameof(Connected), Level = LogLevel.Information, Message = "DTLS {Role} connected: {SrtpProfile}, cipher suite 0x{CipherSuite:X4}, {ElapsedMs:F0} ms")]
    public static partial void Connected(ILogger logger, DtlsRole role, string srtpProfile, int cipherSuite, double elapsedMs);

    [LoggerMessage(EventId = 5301, EventName = nameof(HandshakeFailed), Level = LogLevel.Warning, Message = "DTLS {Role} handshake failed: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, DtlsRole role, string reason);

    [LoggerMessage(EventId = 5302, EventName = nameof(CloseNotify), Level = LogLevel.Information, Message = "DTLS {Role}: peer sent close_notify")]
    public static partial void CloseNotify(ILogger logger, DtlsRole role);

    [LoggerMessage(EventId = 5303, EventName = nameof(FatalAlertReceived), Level = LogLevel.Warning, Message = "DTLS {Role}: peer sent fatal alert {Alert}")]
    public static partial void FatalAlertReceived(ILogger logger, DtlsRole role, string alert);

    [LoggerMessage(EventId = 5304, EventName = nameof(AlertRaised), Level = LogLevel.Debug, Message = "DTLS {Role}: raising fatal alert {Alert}: {Message}")]
    public static partial void AlertRaised(ILogger logger, DtlsRole role, string alert, string message);

    [LoggerMessage(EventId = 5305, EventName = nameof(ReceiveFailed), Level = LogLevel.Warning, Message = "DTLS {Role}: receive failed after the handshake: {Reason}")]
    public static partial void ReceiveFailed(ILogger logger, DtlsRole role, string reason);

    [LoggerMessage(EventId = 5306, EventName = nameof(CloseFailed), Level = LogLevel.Debug, Message = "DTLS {Role}: sending close_notify failed: {Reason}")]
    public static partial void CloseFailed(ILogger logger, DtlsRole role, string reason);
}
