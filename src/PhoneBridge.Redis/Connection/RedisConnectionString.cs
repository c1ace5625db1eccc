using System.Globalization;
using StackExchange.Redis;

namespace PhoneBridge.Redis.Connection;

/// <summary>
/// Reads <c>ConnectionStrings:Redis</c>: either a StackExchange.Redis configuration string
/// (<c>host:port,password=…,ssl=true</c>) or a URL as <c>REDIS_URL</c> gives it
/// (<c>redis://[user:password@]host[:port][/db]</c>, <c>rediss://</c> for TLS).
/// </summary>
public static class RedisConnectionString
{
    private const int DefaultPort = 6379;

    /// <summary>
    /// The client configuration for <paramref name="value"/>. <see cref="ConfigurationOptions.AbortOnConnectFail"/> is
    /// always off: the server starts, and keeps reconnecting, while Redis is down; commands fail fast meanwhile
    /// (<see cref="BacklogPolicy.FailFast"/>) rather than run late.
    /// </summary>
    /// <exception cref="FormatException">The value is neither a redis(s) URL nor a configuration string with an endpoint.</exception>
    public static ConfigurationOptions Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        value = value.Trim();
        var options = IsUrl(value) ? FromUrl(value) : FromConfigurationString(value);
        if (options.EndPoints.Count == 0)
        {
            throw new FormatException("The Redis connection string names no host.");
        }

        options.AbortOnConnectFail = false;

        // Fail at once while disconnected instead of queueing: a registration answered 503 must not run later, and a
        // heartbeat must not land after the instance has given up on it.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName ??= "phonebridge";
        return options;
    }

    /// <summary>True when <paramref name="value"/> parses; the reason otherwise (never the value: it may hold a password).</summary>
    public static bool TryValidate(string? value, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "ConnectionStrings:Redis is empty.";
            return false;
        }

        try
        {
            Parse(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            error = "ConnectionStrings:Redis (or REDIS_URL) is not a redis:// URL nor a StackExchange.Redis configuration string.";
            return false;
        }
    }

    private static bool IsUrl(string value) =>
        value.StartsWith("redis://", StringComparison.OrdinalIgnoreCase)
        || value.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase);

    private static ConfigurationOptions FromConfigurationString(string value)
    {
        try
        {
            return ConfigurationOptions.Parse(value);
        }
        catch (ArgumentException e)
        {
            throw new FormatException("Not a Redis configuration string.", e);
        }
    }

    private static ConfigurationOptions FromUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException("Not a redis:// URL.");
        }

        var options = new ConfigurationOptions();
        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        options.EndPoints.Add(host, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port);
        options.Ssl = string.Equals(uri.Scheme, "rediss", StringComparison.OrdinalIgnoreCase);
        if (options.Ssl)
        {
            options.SslHost = host;
        }

        if (uri.UserInfo is { Length: > 0 } userInfo)
        {
            // redis://:password@host (no user) is the usual form; redis://user:password@host is ACL login.
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
            var password = colon < 0 ? null : Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            if (password is null)
            {
                // redis://password@host: a lone user part is taken as the password, as redis-cli -u does.
                options.Password = user;
            }
            else
            {
                options.User = user.Length > 0 ? user : null;
                options.Password = password;
            }
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var db))
            {
                throw new FormatException("The database in a redis:// URL is a number (/0, /1, …).");
            }

            options.DefaultDatabase = db;
        }

        return options;
    }
}
