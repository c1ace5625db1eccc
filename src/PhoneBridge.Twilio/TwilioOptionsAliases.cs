using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Twilio;

/// <summary>
/// Fills the plain <c>Twilio:*</c> keys from Twilio.AspNet.Core's <c>Twilio:Client:*</c> and
/// <c>Twilio:RequestValidation:*</c>, so a configuration written for that package works unchanged. An explicit
/// plain key always wins over its alias. The account has one primary auth token, so when both alias tokens are
/// set they must agree (<see cref="TwilioOptionsValidator"/> refuses to start otherwise).
/// </summary>
internal sealed class TwilioOptionsAliases : IPostConfigureOptions<TwilioOptions>
{
    public void PostConfigure(string? name, TwilioOptions options)
    {
        options.AccountSid = Pick(options.AccountSid, options.Client.AccountSid);
        options.AuthToken = Pick(options.AuthToken, options.Client.AuthToken, options.RequestValidation.AuthToken);
        options.ApiKeySid = Pick(options.ApiKeySid, options.Client.ApiKeySid);
        options.ApiKeySecret = Pick(options.ApiKeySecret, options.Client.ApiKeySecret);
    }

    internal static string? Pick(string? explicitValue, params ReadOnlySpan<string?> aliases)
    {
        if (!string.IsNullOrWhiteSpace(explicitValue))
        {
            return explicitValue;
        }

        foreach (var alias in aliases)
        {
            if (!string.IsNullOrWhiteSpace(alias))
            {
                return alias.Trim();
            }
        }

        return explicitValue;
    }
}

/// <summary>
/// <c>Twilio:RequestValidation:BaseUrlOverride</c> (the public base URL Twilio.AspNet.Core checks signatures
/// against) is our <c>PhoneBridge:PublicUrl</c>, which signatures and media URLs are built from; the explicit key wins.
/// </summary>
internal sealed class TwilioPublicUrlAlias(IConfiguration configuration) : IPostConfigureOptions<PhoneBridgeOptions>
{
    public const string Key = "Twilio:RequestValidation:BaseUrlOverride";

    public void PostConfigure(string? name, PhoneBridgeOptions options) =>
        options.PublicUrl = TwilioOptionsAliases.Pick(options.PublicUrl, configuration[Key]?.TrimEnd('/'));
}
