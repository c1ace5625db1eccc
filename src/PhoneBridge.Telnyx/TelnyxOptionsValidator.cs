using Microsoft.Extensions.Options;
using PhoneBridge.Telnyx.Webhooks;

namespace PhoneBridge.Telnyx;

/// <summary>Checks the section only when the provider is enabled, so a server without Telnyx starts untouched.</summary>
internal sealed class TelnyxOptionsValidator : IValidateOptions<TelnyxOptions>
{
    public ValidateOptionsResult Validate(string? name, TelnyxOptions options)
    {
        if (!options.IsEnabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add("Telnyx:ApiKey (or TELNYX_API_KEY) is required when Telnyx is configured.");
        }

        if (string.IsNullOrWhiteSpace(options.PublicKey))
        {
            failures.Add("Telnyx:PublicKey (or TELNYX_PUBLIC_KEY) is required when Telnyx is configured; webhooks cannot be verified without it.");
        }
        else if (!TelnyxSignatureVerifier.TryDecodePublicKey(options.PublicKey, out _))
        {
            failures.Add("Telnyx:PublicKey must be the base64 of a 32-byte Ed25519 public key (Mission Control: Keys & Credentials).");
        }

        if (!Enum.IsDefined(options.Codec))
        {
            failures.Add("Telnyx:Codec must be PCMU, PCMA or L16.");
        }

        if (!Enum.IsDefined(options.MachineDetection))
        {
            failures.Add("Telnyx:MachineDetection must be detect or premium.");
        }

        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var baseUri)
            || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("Telnyx:ApiBaseUrl must be an absolute http(s) URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
