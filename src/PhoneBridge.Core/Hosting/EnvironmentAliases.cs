using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace PhoneBridge.Core.Hosting;

/// <summary>
/// Maps the environment names users already have from the Python examples onto our configuration keys.
/// The aliases sit just below the plain environment-variable source: they override appsettings files, and
/// an explicit section key (<c>Twilio__AuthToken</c>, command line) wins over its alias.
/// </summary>
public static class EnvironmentAliases
{
    /// <summary>Environment variable → configuration key.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Map { get; } =
    [
        new("TWILIO_ACCOUNT_SID", "Twilio:AccountSid"),
        new("TWILIO_AUTH_TOKEN", "Twilio:AuthToken"),
        new("NGROK_URL", "PhoneBridge:PublicUrl"),
        new("TELNYX_API_KEY", "Telnyx:ApiKey"),
        new("TELNYX_PUBLIC_KEY", "Telnyx:PublicKey"),
        new("TELNYX_CONNECTION_ID", "Telnyx:ConnectionId"),
        new("STREAM_API_KEY", "Stream:ApiKey"),
        new("STREAM_API_SECRET", "Stream:ApiSecret"),
        // redis://[user:password@]host:port[/db] or rediss://; PhoneBridge.Redis reads URLs and configuration strings alike.
        new("REDIS_URL", "ConnectionStrings:Redis"),
    ];

    public static IConfigurationBuilder AddPhoneBridgeEnvironmentAliases(this IConfigurationBuilder builder) =>
        builder.AddPhoneBridgeEnvironmentAliases(Environment.GetEnvironmentVariable);

    /// <summary>Same, reading variables through <paramref name="getVariable"/> (tests, embedding hosts).</summary>
    public static IConfigurationBuilder AddPhoneBridgeEnvironmentAliases(
        this IConfigurationBuilder builder, Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(getVariable);
        var source = new AliasSource(getVariable);
        var sources = builder.Sources;
        var index = -1;
        for (var i = sources.Count - 1; i >= 0; i--)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource { Prefix: null or "" })
            {
                index = i;
                break;
            }
        }

        if (index >= 0)
        {
            sources.Insert(index, source);
        }
        else
        {
            builder.Add(source);
        }

        return builder;
    }

    /// <summary>The aliased values present in the environment, mapped onto their keys.</summary>
    internal static Dictionary<string, string?> Resolve(Func<string, string?> getVariable)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, key) in Map)
        {
            var value = getVariable(variable)?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            data[key] = variable == "NGROK_URL" ? NgrokHostToUrl(value) : value;
        }

        return data;
    }

    /// <summary><c>NGROK_URL</c> holds a bare host (<c>abc.ngrok.app</c>); a full URL is accepted too.</summary>
    internal static string NgrokHostToUrl(string value)
    {
        var url = value.Contains("://", StringComparison.Ordinal) ? value : "https://" + value;
        return url.TrimEnd('/');
    }

    private sealed class AliasSource(Func<string, string?> getVariable) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new AliasProvider(getVariable);
    }

    private sealed class AliasProvider(Func<string, string?> getVariable) : ConfigurationProvider
    {
        public override void Load() => Data = Resolve(getVariable);
    }
}
