using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Stream;

/// <summary>Checks <see cref="StreamOptions"/> at start so a typo fails the host, not the first call.</summary>
internal sealed partial class StreamOptionsValidator : IValidateOptions<StreamOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamOptions options)
    {
        var failures = new List<string>();
        var hasKey = !string.IsNullOrWhiteSpace(options.ApiKey);
        var hasSecret = !string.IsNullOrWhiteSpace(options.ApiSecret);
        if (hasKey != hasSecret)
        {
            failures.Add("Stream:ApiKey and Stream:ApiSecret must be set together.");
        }

        if (options.BaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("Stream:BaseUrl must be an absolute http(s) URL.");
        }

        if (!IdPattern().IsMatch(options.CallType))
        {
            failures.Add("Stream:CallType must be a non-empty id ([a-z0-9_-]).");
        }

        if (options.CallIdPrefix.Length > 0 && !IdPattern().IsMatch(options.CallIdPrefix))
        {
            failures.Add("Stream:CallIdPrefix may only hold [a-z0-9_-].");
        }

        if (!UserIdPattern().IsMatch(options.PhoneUserIdPrefix))
        {
            failures.Add("Stream:PhoneUserIdPrefix must be non-empty and hold only [A-Za-z0-9@_-].");
        }

        if (string.IsNullOrWhiteSpace(options.Location))
        {
            failures.Add("Stream:Location must not be empty (use \"auto\").");
        }

        CheckPositive(options.UserTokenLifetime, "UserTokenLifetime", failures);
        CheckPositive(options.RequestTimeout, "RequestTimeout", failures);
        CheckPositive(options.HealthCheckInterval, "HealthCheckInterval", failures);
        CheckPositive(options.SignalTimeout, "SignalTimeout", failures);
        CheckPositive(options.ResumeGap, "ResumeGap", failures);
        if (options.UnhealthyTimeout <= options.HealthCheckInterval)
        {
            failures.Add("Stream:UnhealthyTimeout must be longer than Stream:HealthCheckInterval.");
        }

        if (options.MaxJoinAttempts is < 1 or > 10)
        {
            failures.Add("Stream:MaxJoinAttempts must be between 1 and 10.");
        }

        if (options.MaxReconnectAttempts is < 0 or > 20)
        {
            failures.Add("Stream:MaxReconnectAttempts must be between 0 and 20.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPositive(TimeSpan value, string key, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"Stream:{key} must be positive.");
        }
    }

    [GeneratedRegex("^[a-z0-9_-]+$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9@_-]+$")]
    private static partial Regex UserIdPattern();
}
