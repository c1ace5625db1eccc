using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Server.Tests;

/// <summary>
/// The real server (Program.cs) on a TestServer, with explicit settings instead of the machine's environment, and
/// its logs in <paramref name="logs"/> when given.
/// </summary>
public class ServerFactory(string environment = "Development", IDictionary<string, string?>? settings = null, ILoggerProvider? logs = null)
    : WebApplicationFactory<Program>
{
    public const string AuthToken = "server-test-token";

    /// <summary>Everything the server logs, besides its usual providers.</summary>
    public ListLoggerProvider Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));

        // Settings also go in early: Program.cs decides from configuration, before Build, whether to add the Stream edge.
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration(configuration =>
        {
            var values = new Dictionary<string, string?>
            {
                ["Twilio:AuthToken"] = AuthToken,
                ["PhoneBridge:PublicUrl"] = "",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                values[key] = value;
            }

            configuration.AddInMemoryCollection(values);
        });
        if (logs is not null)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(logs));
        }
    }
}
