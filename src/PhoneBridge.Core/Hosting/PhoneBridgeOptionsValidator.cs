using Microsoft.Extensions.Options;

namespace PhoneBridge.Core.Hosting;

internal sealed class PhoneBridgeOptionsValidator : IValidateOptions<PhoneBridgeOptions>
{
    public ValidateOptionsResult Validate(string? name, PhoneBridgeOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.PublicUrl) && !PublicUrlResolver.TryParsePublicUrl(options.PublicUrl, out _))
        {
            return ValidateOptionsResult.Fail(
                $"{PhoneBridgeOptions.SectionName}:PublicUrl must be an absolute http or https URL without query or fragment (e.g. https://example.ngrok.app).");
        }

        return ValidateOptionsResult.Success;
    }
}
