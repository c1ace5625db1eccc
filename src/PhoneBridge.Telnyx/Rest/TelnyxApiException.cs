using System.Net;

namespace PhoneBridge.Telnyx.Rest;

/// <summary>A Call Control request the API refused or could not serve.</summary>
public sealed class TelnyxApiException : Exception
{
    /// <summary>Telnyx code for a command on a call that already ended.</summary>
    public const string CallAlreadyEndedCode = "90018";

    public TelnyxApiException()
    {
        Errors = [];
    }

    public TelnyxApiException(string message)
        : base(message)
    {
        Errors = [];
    }

    public TelnyxApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public TelnyxApiException(string operation, HttpStatusCode statusCode, IReadOnlyList<TelnyxApiError> errors, int attempts = 1)
        : base(BuildMessage(operation, statusCode, errors, attempts))
    {
        Attempts = attempts;
        Operation = operation;
        StatusCode = statusCode;
        Errors = errors;
    }

    /// <summary>The command that failed ("answer", "dial", "hangup").</summary>
    public string? Operation { get; }

    public HttpStatusCode? StatusCode { get; }

    /// <summary>Tries made before giving up (more than one when the answer was transient and retried).</summary>
    public int Attempts { get; } = 1;

    public IReadOnlyList<TelnyxApiError> Errors { get; }

    /// <summary>Worth retrying with the same <c>command_id</c>: timeouts, rate limits and server errors.</summary>
    public bool IsTransient => StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
        || (int?)StatusCode >= 500;

    public bool HasErrorCode(string code) => Errors.Any(e => string.Equals(e.Code, code, StringComparison.Ordinal));

    // Titles only: details can echo phone numbers from the request.
    private static string BuildMessage(string operation, HttpStatusCode statusCode, IReadOnlyList<TelnyxApiError> errors, int attempts)
    {
        var summary = errors.Count == 0
            ? "no error details"
            : string.Join("; ", errors.Select(e => $"{e.Code ?? "?"} {e.Title ?? "(no title)"}"));
        var tries = attempts > 1 ? $" after {attempts} tries" : string.Empty;
        return $"Telnyx {operation} failed with HTTP {(int)statusCode}{tries}: {summary}";
    }
}
