using System.Net;

namespace PhoneBridge.Stream.Coordinator;

/// <summary>An error answer from Stream's coordinator, with Stream's own error code.</summary>
public sealed class StreamApiException : Exception
{
    public StreamApiException(int code, string message, HttpStatusCode statusCode, string? moreInfo, int attempts = 1)
        : base($"Stream API error {code} (HTTP {(int)statusCode}{(attempts > 1 ? $", after {attempts} tries" : "")}): {message}")
    {
        Attempts = attempts;
        Code = code;
        ApiMessage = message;
        StatusCode = statusCode;
        MoreInfo = moreInfo;
    }

    public StreamApiException()
        : this(-1, "unknown error", HttpStatusCode.InternalServerError, null)
    {
    }

    public StreamApiException(string message)
        : this(-1, message, HttpStatusCode.InternalServerError, null)
    {
    }

    public StreamApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = -1;
        ApiMessage = message;
        StatusCode = HttpStatusCode.InternalServerError;
    }

    /// <summary>Stream's error code (e.g. 4 input error, 5 authentication, 16 does not exist, 17 not allowed).</summary>
    public int Code { get; }

    /// <summary>Stream's message, without our prefix.</summary>
    public string ApiMessage { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>Tries made before giving up (more than one when a transient answer was retried).</summary>
    public int Attempts { get; } = 1;

    /// <summary>Link to Stream's documentation for the error, when given.</summary>
    public string? MoreInfo { get; }
}
