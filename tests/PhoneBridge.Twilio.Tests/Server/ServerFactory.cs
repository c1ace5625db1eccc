using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio.Tests.Server;

/// <summary>
/// The real server (Program.cs) on a TestServer, with explicit settings instead of the machine's environment, and
/// its logs in <paramref name="logs"/> when given.
/// </summary>
public sealed class ServerFactory(string environment = "Development", IDictionary<string, string?>? settings = null, ILoggerProvider? logs = null)
    : WebApplicationFactory<Program>
{
    public const string AuthToken = "server-test-token";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
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
