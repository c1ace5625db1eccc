using System.Net;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Telnyx.Rest;

/// <summary>
/// A Call Control request the API refused or could not serve. As a <see cref="PhoneProviderException"/> it carries
/// the first error's code and the errors' titles (details can quote the request's numbers, so they stay out).
/// </summary>
public sealed class TelnyxApiException : PhoneProviderException
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

    public override string Provider => TelnyxProvider.Name;

    public override int? ProviderStatus => (int?)StatusCode;

    public override string? ProviderCode => Errors.Count > 0 ? Errors[0].Code : null;

    /// <summary>The errors' titles; without an answer (or without titles) what went wrong. Numbers are masked.</summary>
    public override string? ProviderMessage
    {
        get
        {
            var titles = string.Join("; ", Errors.Select(e => e.Title).Where(t => !string.IsNullOrWhiteSpace(t)));
            return ProviderText.WithoutPhoneNumbers(titles.Length > 0 ? titles : StatusCode is null ? Message : null);
        }
    }

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
