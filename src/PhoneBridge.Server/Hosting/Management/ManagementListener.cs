using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace PhoneBridge.Server.Hosting.Management;

public static class ManagementListener
{
    private const string ManagementUrlsKey = ServerOptions.SectionName + ":" + nameof(ServerOptions.ManagementUrls);

    /// <summary>
    /// With <see cref="ServerOptions.ManagementUrls"/> set, Kestrel listens there as well as on the public addresses
    /// (<c>urls</c> / <c>ASPNETCORE_URLS</c>, else <c>ASPNETCORE_HTTP_PORTS</c>, else Kestrel's default
    /// <c>http://localhost:5000</c>). Endpoints configured under <c>Kestrel:Endpoints</c> take precedence over both, as
    /// Kestrel always does, and must then name the management address themselves.
    /// </summary>
    public static WebApplicationBuilder ListenForManagement(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var management = builder.Configuration.GetSection(ManagementUrlsKey).Get<string[]>() ?? [];
        if (management.Length == 0)
        {
            return builder;
        }

        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        if (string.IsNullOrWhiteSpace(urls))
        {
            var ports = builder.WebHost.GetSetting(WebHostDefaults.HttpPortsKey);
            urls = string.IsNullOrWhiteSpace(ports)
                ? "http://localhost:5000"
                : string.Join(';', ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => "http://*:" + p));
        }

        builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), .. management]);
        return builder;
    }

    /// <summary>Serves the management listener's endpoints there only; does nothing without <see cref="ServerOptions.ManagementUrls"/>.</summary>
    public static IApplicationBuilder UseManagementListener(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ServerOptions>>().Value;
        return options.ManagementUrls.Count == 0 ? app : app.UseMiddleware<ManagementListenerMiddleware>();
    }

    /// <summary>The ports of <paramref name="urls"/>; an address without a usable port is left out (validation refuses it).</summary>
    internal static HashSet<int> Ports(IEnumerable<string> urls)
    {
        var ports = new HashSet<int>();
        foreach (var url in urls)
        {
            if (TryPort(url, out var port))
            {
                ports.Add(port);
            }
        }

        return ports;
    }

    /// <summary>An http URL with an explicit, fixed port (wildcard hosts <c>*</c> and <c>+</c> allowed, as Kestrel takes them).</summary>
    internal static bool TryPort(string url, out int port)
    {
        port = 0;
        try
        {
            var address = BindingAddress.Parse(url);
            if (address.Scheme != "http" || address.Port <= 0 || address.IsUnixPipe)
            {
                return false;
            }

            port = address.Port;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
