using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Twilio;

internal sealed class TwilioOptionsValidator(IHostEnvironment environment) : IValidateOptions<TwilioOptions>
{
    // An explicit Twilio:AuthToken that is neither alias token makes the aliases irrelevant, so they may disagree then.
    public ValidateOptionsResult Validate(string? name, TwilioOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.AuthToken) && !environment.IsDevelopment())
        {
            failures.Add(
                "Twilio:AuthToken (or TWILIO_AUTH_TOKEN) is required: it verifies X-Twilio-Signature on every webhook and media socket. " +
                "Use the primary auth token from the Twilio console.");
        }

        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) || (api.Scheme != Uri.UriSchemeHttps && api.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("Twilio:ApiBaseUrl must be an absolute http or https URL.");
        }

        if (options.MaxMessageBytes is < 1024 or > 16 * 1024 * 1024)
        {
            failures.Add("Twilio:MaxMessageBytes must be between 1024 and 16777216.");
        }

        if (options.SendQueueCapacity is < 1 or > 100_000)
        {
            failures.Add("Twilio:SendQueueCapacity must be between 1 and 100000.");
        }

        if (PhoneBridge.Core.Calls.CustomParameters.Problem(options.StreamParameters!) is { } parameters)
        {
            failures.Add("Twilio:StreamParameters: " + parameters);
        }

        if (!string.IsNullOrWhiteSpace(options.AccountSid) && !options.AccountSid.StartsWith("AC", StringComparison.Ordinal))
        {
            failures.Add("Twilio:AccountSid must start with \"AC\".");
        }

        if (string.IsNullOrWhiteSpace(options.ApiKeySid) != string.IsNullOrWhiteSpace(options.ApiKeySecret))
        {
            failures.Add("Twilio:ApiKeySid and Twilio:ApiKeySecret (or Twilio:Client:ApiKeySid/ApiKeySecret) go together: set both or neither.");
        }

        if (!string.IsNullOrWhiteSpace(options.ApiKeySid) && !options.ApiKeySid.StartsWith("SK", StringComparison.Ordinal))
        {
            failures.Add("Twilio:ApiKeySid must start with \"SK\".");
        }

        if (!string.IsNullOrWhiteSpace(options.Client.AuthToken)
            && !string.IsNullOrWhiteSpace(options.RequestValidation.AuthToken)
            && !string.Equals(options.Client.AuthToken.Trim(), options.RequestValidation.AuthToken.Trim(), StringComparison.Ordinal)
            && options.AuthToken?.Trim() is { } token
            && (token == options.Client.AuthToken.Trim() || token == options.RequestValidation.AuthToken.Trim()))
        {
            failures.Add(
                "Twilio:Client:AuthToken and Twilio:RequestValidation:AuthToken differ, but the account has one primary auth token, " +
                "used both for REST and for webhook signatures. Set one of them (or Twilio:AuthToken).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
