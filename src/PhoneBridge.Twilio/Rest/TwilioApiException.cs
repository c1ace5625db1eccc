namespace PhoneBridge.Twilio.Rest;

/// <summary>A Twilio REST error: Twilio's own <see cref="Code"/>, <see cref="TwilioMessage"/> and <see cref="MoreInfo"/>, and the HTTP status.</summary>
public sealed class TwilioApiException : Exception
{
    public TwilioApiException(int httpStatus, int? code, string? message, string? moreInfo)
        : base(FormatMessage(httpStatus, code, message))
    {
        HttpStatus = httpStatus;
        Code = code;
        TwilioMessage = message;
        MoreInfo = moreInfo;
    }

    public TwilioApiException()
    {
    }

    public TwilioApiException(string message)
        : base(message)
    {
    }

    public TwilioApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>HTTP status of the response (0 when no response arrived).</summary>
    public int HttpStatus { get; }

    /// <summary>Twilio error code, e.g. 20404 (not found), 21211 (invalid To).</summary>
    public int? Code { get; }

    public string? TwilioMessage { get; }

    /// <summary>Link to the error's documentation.</summary>
    public string? MoreInfo { get; }

    private static string FormatMessage(int httpStatus, int? code, string? message) =>
        code is null
            ? $"Twilio API returned HTTP {httpStatus}: {message ?? "no error details"}"
            : $"Twilio API returned HTTP {httpStatus}, error {code}: {message ?? "no error details"}";
}
