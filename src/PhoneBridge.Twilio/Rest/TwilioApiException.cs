using System.Globalization;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Twilio.Rest;

/// <summary>
/// A Twilio REST error: Twilio's own <see cref="Code"/>, <see cref="TwilioMessage"/> and <see cref="MoreInfo"/>, and
/// the HTTP status; or (status 0) a request that got no answer. As a <see cref="PhoneProviderException"/> it carries
/// the same code and message, numbers masked.
/// </summary>
public sealed class TwilioApiException : PhoneProviderException
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

    public override string Provider => TwilioProvider.Name;

    public override int? ProviderStatus => HttpStatus == 0 ? null : HttpStatus;

    public override string? ProviderCode => Code?.ToString(CultureInfo.InvariantCulture);

    /// <summary>Twilio's message, or without an answer what went wrong; Twilio quotes the request's numbers, so they are masked.</summary>
    public override string? ProviderMessage => ProviderText.WithoutPhoneNumbers(TwilioMessage ?? (HttpStatus == 0 ? Message : null));

    private static string FormatMessage(int httpStatus, int? code, string? message) =>
        code is null
            ? $"Twilio API returned HTTP {httpStatus}: {message ?? "no error details"}"
            : $"Twilio API returned HTTP {httpStatus}, error {code}: {message ?? "no error details"}";
}
