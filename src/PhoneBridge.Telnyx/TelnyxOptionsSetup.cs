using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Telnyx;

/// <summary>Fills unset options from the environment names the Telnyx SDKs and examples use.</summary>
internal sealed class TelnyxOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<TelnyxOptions>
{
    public const string ApiKeyAlias = "TELNYX_API_KEY";
    public const string PublicKeyAlias = "TELNYX_PUBLIC_KEY";
    public const string ConnectionIdAlias = "TELNYX_CONNECTION_ID";

    public void PostConfigure(string? name, TelnyxOptions options)
    {
        options.ApiKey = Pick(options.ApiKey, configuration[ApiKeyAlias]);
        options.PublicKey = Pick(options.PublicKey, configuration[PublicKeyAlias]);
        options.ConnectionId = Pick(options.ConnectionId, configuration[ConnectionIdAlias]);
    }

    private static string? Pick(string? configured, string? alias) =>
        !string.IsNullOrWhiteSpace(configured) ? configured.Trim()
        : !string.IsNullOrWhiteSpace(alias) ? alias.Trim()
        : null;
}
