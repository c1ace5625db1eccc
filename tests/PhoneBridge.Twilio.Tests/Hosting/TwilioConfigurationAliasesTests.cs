using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Twilio.Webhooks;
using PhoneBridge.Twilio.Tests.Infrastructure;

namespace PhoneBridge.Twilio.Tests.Hosting;

/// <summary>Twilio.AspNet.Core's configuration keys work as aliases; an explicit plain key wins over each.</summary>
public class TwilioConfigurationAliasesTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings, string environment = "Production")
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = environment });
        services.AddLogging();
        services.AddTwilio();
        return services.BuildServiceProvider();
    }

    private static TwilioOptions Twilio(Dictionary<string, string?> settings)
    {
        using var services = Services(settings);
        return services.GetRequiredService<IOptions<TwilioOptions>>().Value;
    }

    [Fact]
    public void Client_account_sid_and_auth_token_fill_the_plain_keys()
    {
        var options = Twilio(new()
        {
            ["Twilio:Client:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["Twilio:Client:AuthToken"] = "client-token",
        });

        Assert.Equal("AC0123456789abcdef0123456789abcdef", options.AccountSid);
        Assert.Equal("client-token", options.AuthToken);
        Assert.True(options.HasRestCredentials);
    }

    [Fact]
    public void Client_api_key_fills_the_plain_keys_and_is_used_for_rest()
    {
        var options = Twilio(new()
        {
            ["Twilio:Client:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["Twilio:Client:ApiKeySid"] = "SK0123456789abcdef0123456789abcdef",
            ["Twilio:Client:ApiKeySecret"] = "key-secret",
            ["Twilio:RequestValidation:AuthToken"] = "validation-token",
        });

        Assert.Equal("SK0123456789abcdef0123456789abcdef", options.ApiKeySid);
        Assert.Equal("key-secret", options.ApiKeySecret);
        Assert.True(options.UsesApiKey);
        Assert.True(options.HasRestCredentials);
        Assert.Equal("validation-token", options.AuthToken);
    }

    [Fact]
    public void Request_validation_auth_token_fills_the_plain_key()
    {
        var options = Twilio(new() { ["Twilio:RequestValidation:AuthToken"] = "validation-token" });
        Assert.Equal("validation-token", options.AuthToken);
    }

    [Fact]
    public void Explicit_keys_win_over_their_aliases()
    {
        var options = Twilio(new()
        {
            ["Twilio:AccountSid"] = "AC11111111111111111111111111111111",
            ["Twilio:AuthToken"] = "explicit-token",
            ["Twilio:ApiKeySid"] = "SK11111111111111111111111111111111",
            ["Twilio:ApiKeySecret"] = "explicit-secret",
            ["Twilio:Client:AccountSid"] = "AC22222222222222222222222222222222",
            ["Twilio:Client:AuthToken"] = "client-token",
            ["Twilio:Client:ApiKeySid"] = "SK22222222222222222222222222222222",
            ["Twilio:Client:ApiKeySecret"] = "client-secret",
            ["Twilio:RequestValidation:AuthToken"] = "validation-token",
        });

        Assert.Equal("AC11111111111111111111111111111111", options.AccountSid);
        Assert.Equal("explicit-token", options.AuthToken);
        Assert.Equal("SK11111111111111111111111111111111", options.ApiKeySid);
        Assert.Equal("explicit-secret", options.ApiKeySecret);
    }

    [Fact]
    public void Alias_tokens_that_disagree_stop_the_start()
    {
        using var services = Services(new()
        {
            ["Twilio:Client:AuthToken"] = "one-token",
            ["Twilio:RequestValidation:AuthToken"] = "another-token",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TwilioOptions>>().Value);
        Assert.Contains("Twilio:Client:AuthToken and Twilio:RequestValidation:AuthToken differ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("one-token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Api_key_sid_without_its_secret_stops_the_start()
    {
        using var services = Services(new()
        {
            ["Twilio:AuthToken"] = "t",
            ["Twilio:Client:ApiKeySid"] = "SK0123456789abcdef0123456789abcdef",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TwilioOptions>>().Value);
        Assert.Contains("Twilio:ApiKeySecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Base_url_override_is_the_public_url()
    {
        using var services = Services(new()
        {
            ["Twilio:AuthToken"] = "t",
            ["Twilio:RequestValidation:BaseUrlOverride"] = "https://public.example/",
        });

        Assert.Equal("https://public.example", services.GetRequiredService<IOptions<PhoneBridgeOptions>>().Value.PublicUrl);
    }

    [Fact]
    public void Explicit_public_url_wins_over_base_url_override()
    {
        using var services = Services(new()
        {
            ["Twilio:AuthToken"] = "t",
            ["PhoneBridge:PublicUrl"] = "https://explicit.example",
            ["Twilio:RequestValidation:BaseUrlOverride"] = "https://public.example",
        });

        Assert.Equal("https://explicit.example", services.GetRequiredService<IOptions<PhoneBridgeOptions>>().Value.PublicUrl);
    }

    [Fact]
    public async Task Webhooks_are_checked_with_the_request_validation_token_against_the_override_url()
    {
        await using var app = await TwilioTestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Twilio:AuthToken"] = null,
            ["Twilio:RequestValidation:AuthToken"] = "validation-token",
            ["Twilio:RequestValidation:BaseUrlOverride"] = "https://public.example",
        });
        using var client = app.CreateClient();

        var form = new Dictionary<string, string> { ["CallSid"] = "CA0123456789abcdef0123456789abcdef", ["From"] = "+14155550100", ["To"] = "+14155550199" };
        var parameters = form.ToDictionary(p => p.Key, p => new StringValues(p.Value));
        using var signed = new HttpRequestMessage(HttpMethod.Post, "/twilio/voice") { Content = new FormUrlEncodedContent(form) };
        signed.Headers.Add(
            TwilioRequestValidator.SignatureHeader,
            new TwilioRequestValidator("validation-token").ComputeSignature("https://public.example/twilio/voice", parameters));
        using var local = new HttpRequestMessage(HttpMethod.Post, "/twilio/voice") { Content = new FormUrlEncodedContent(form) };
        local.Headers.Add(
            TwilioRequestValidator.SignatureHeader,
            new TwilioRequestValidator("validation-token").ComputeSignature("http://localhost/twilio/voice", parameters));

        using var accepted = await client.SendAsync(signed);
        using var refused = await client.SendAsync(local);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
