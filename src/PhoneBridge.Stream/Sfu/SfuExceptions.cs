using System.Net;
using PhoneBridge.Stream.Sfu.Models;

namespace PhoneBridge.Stream.Sfu;

/// <summary>The SFU answered with an application error (<c>models.Error</c>), on the socket or in a Twirp 200.</summary>
public class SfuErrorException : Exception
{
    public SfuErrorException(ErrorCode code, string message, bool shouldRetry)
        : base($"SFU error {code} ({(int)code}): {message}")
    {
        Code = code;
        ShouldRetry = shouldRetry;
    }

    public SfuErrorException()
        : this(ErrorCode.Unspecified, "unknown", false)
    {
    }

    public SfuErrorException(string message)
        : this(ErrorCode.Unspecified, message, false)
    {
    }

    public SfuErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ErrorCode Code { get; }

    public bool ShouldRetry { get; }
}

/// <summary>The SFU refused our JoinRequest.</summary>
public sealed class SfuJoinException : SfuErrorException
{
    public SfuJoinException(ErrorCode code, string message, bool shouldRetry, WebsocketReconnectStrategy strategy)
        : base(code, message, shouldRetry)
    {
        Strategy = strategy;
    }

    public SfuJoinException()
    {
    }

    public SfuJoinException(string message)
        : base(message)
    {
    }

    public SfuJoinException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WebsocketReconnectStrategy Strategy { get; }

    /// <summary>Another SFU may take us: full, shutting down, or the call's participant limit on this edge.</summary>
    public bool TryAnotherEdge => Code is ErrorCode.SfuFull or ErrorCode.SfuShuttingDown or ErrorCode.CallParticipantLimitReached;
}

/// <summary>A Twirp error envelope (<c>{"code","msg"}</c>) or a transport failure talking to the SFU.</summary>
public sealed class TwirpException : Exception
{
    public TwirpException(string method, string code, string message, HttpStatusCode? statusCode)
        : base($"SFU {method} failed: {code}: {message}")
    {
        Method = method;
        TwirpCode = code;
        StatusCode = statusCode;
    }

    public TwirpException()
        : this("?", "unknown", "", null)
    {
    }

    public TwirpException(string message)
        : this("?", "unknown", message, null)
    {
    }

    public TwirpException(string message, Exception innerException)
        : base(message, innerException)
    {
        Method = "?";
        TwirpCode = "unavailable";
    }

    public string Method { get; } = "?";

    /// <summary>Twirp error code (<c>unauthenticated</c>, <c>not_found</c>, <c>internal</c>, ...).</summary>
    public string TwirpCode { get; } = "unknown";

    public HttpStatusCode? StatusCode { get; }
}
