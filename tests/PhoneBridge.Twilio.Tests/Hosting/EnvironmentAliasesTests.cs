using Microsoft.Extensions.Configuration;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Twilio.Tests.Hosting;

public class EnvironmentAliasesTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    [Fact]
    public void Maps_every_alias_onto_its_section_key()
    {
        var configuration = new ConfigurationBuilder()
            .AddPhoneBridgeEnvironmentAliases(Env(
                ("TWILIO_ACCOUNT_SID", "AC1"),
                ("TWILIO_AUTH_TOKEN", "tok"),
                ("NGROK_URL", "abc.ngrok.app"),
                ("TELNYX_API_KEY", "KEY1"),
                ("TELNYX_PUBLIC_KEY", "pub"),
                ("TELNYX_CONNECTION_ID", "conn"),
                ("STREAM_API_KEY", "sk"),
                ("STREAM_API_SECRET", "ss")))
            .Build();

        Assert.Equal("AC1", configuration["Twilio:AccountSid"]);
        Assert.Equal("tok", configuration["Twilio:AuthToken"]);
        Assert.Equal("https://abc.ngrok.app", configuration["PhoneBridge:PublicUrl"]);
        Assert.Equal("KEY1", configuration["Telnyx:ApiKey"]);
        Assert.Equal("pub", configuration["Telnyx:PublicKey"]);
        Assert.Equal("conn", configuration["Telnyx:ConnectionId"]);
        Assert.Equal("sk", configuration["Stream:ApiKey"]);
        Assert.Equal("ss", configuration["Stream:ApiSecret"]);
    }

    [Theory]
    [InlineData("abc.ngrok.app", "https://abc.ngrok.app")]
    [InlineData("abc.ngrok.app/", "https://abc.ngrok.app")]
    [InlineData("https://abc.ngrok.app/", "https://abc.ngrok.app")]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080")]
    public void Ngrok_url_is_a_host_that_becomes_https(string value, string expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddPhoneBridgeEnvironmentAliases(Env(("NGROK_URL", value)))
            .Build();
        Assert.Equal(expected, configuration["PhoneBridge:PublicUrl"]);
    }

    [Fact]
    public void Empty_variables_are_ignored()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Twilio:AuthToken"] = "from-file" })
            .AddPhoneBridgeEnvironmentAliases(Env(("TWILIO_AUTH_TOKEN", "  ")))
            .Build();
        Assert.Equal("from-file", configuration["Twilio:AuthToken"]);
    }

    [Fact]
    public void Aliases_sit_just_below_plain_environment_variables()
    {
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Twilio:AuthToken"] = "from-file" })
            .AddEnvironmentVariables(prefix: "DOTNET_")
            .AddEnvironmentVariables()
            .AddCommandLine([]);
        builder.AddPhoneBridgeEnvironmentAliases(Env(("TWILIO_AUTH_TOKEN", "alias")));

        Assert.Equal(5, builder.Sources.Count);
        Assert.IsNotType<Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource>(builder.Sources[2]);
        Assert.IsType<Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource>(builder.Sources[3]);
        Assert.Null(((Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource)builder.Sources[3]).Prefix);

        // The alias beats the file below it; an explicit key added above it wins.
        Assert.Equal("alias", builder.Build()["Twilio:AuthToken"]);
        builder.AddInMemoryCollection(new Dictionary<string, string?> { ["Twilio:AuthToken"] = "explicit" });
        Assert.Equal("explicit", builder.Build()["Twilio:AuthToken"]);
    }
}
