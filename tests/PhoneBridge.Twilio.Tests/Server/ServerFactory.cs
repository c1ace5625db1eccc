using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace PhoneBridge.Twilio.Tests.Server;

/// <summary>The real server (Program.cs) on a TestServer, with explicit settings instead of the machine's environment.</summary>
public sealed class ServerFactory(string environment = "Development", IDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public const string AuthToken = "server-test-token";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);

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
    }
}
