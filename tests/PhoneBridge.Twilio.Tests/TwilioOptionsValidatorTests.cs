using Microsoft.Extensions.Hosting.Internal;

namespace PhoneBridge.Twilio.Tests;

public class TwilioOptionsValidatorTests
{
    private static TwilioOptionsValidator Validator(string environment) => new(new HostingEnvironment { EnvironmentName = environment });

    [Fact]
    public void Auth_token_is_required_outside_development()
    {
        var result = Validator("Production").Validate(null, new TwilioOptions());
        Assert.True(result.Failed);
        Assert.Contains("Twilio:AuthToken", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("TWILIO_AUTH_TOKEN", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Development_may_run_without_a_token() =>
        Assert.True(Validator("Development").Validate(null, new TwilioOptions()).Succeeded);

    [Fact]
    public void Disabled_twilio_needs_nothing() =>
        Assert.True(Validator("Production").Validate(null, new TwilioOptions { Enabled = false, ApiBaseUrl = "nonsense" }).Succeeded);

    [Fact]
    public void Configured_production_is_valid() =>
        Assert.True(Validator("Production").Validate(null, new TwilioOptions { AuthToken = "t", AccountSid = "AC1" }).Succeeded);

    [Theory]
    [InlineData("ApiBaseUrl", "ftp://api.twilio.com")]
    [InlineData("ApiBaseUrl", "api.twilio.com")]
    [InlineData("MaxMessageBytes", "10")]
    [InlineData("SendQueueCapacity", "0")]
    [InlineData("AccountSid", "SK123")]
    [InlineData("ApiKeySid", "AC123")]
    public void Bad_values_are_named_in_the_error(string field, string value)
    {
        var options = new TwilioOptions { AuthToken = "t" };
        switch (field)
        {
            case "ApiBaseUrl": options.ApiBaseUrl = value; break;
            case "MaxMessageBytes": options.MaxMessageBytes = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "SendQueueCapacity": options.SendQueueCapacity = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "ApiKeySid": options.ApiKeySid = value; options.ApiKeySecret = "s"; break;
            default: options.AccountSid = value; break;
        }

        var result = Validator("Production").Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Twilio:" + field, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Rest_credentials_need_both_sid_and_token()
    {
        Assert.False(new TwilioOptions { AccountSid = "AC1" }.HasRestCredentials);
        Assert.False(new TwilioOptions { AuthToken = "t" }.HasRestCredentials);
        Assert.True(new TwilioOptions { AccountSid = "AC1", AuthToken = "t" }.HasRestCredentials);
    }

    [Fact]
    public void An_api_key_with_the_account_sid_is_enough_for_rest()
    {
        Assert.True(new TwilioOptions { AccountSid = "AC1", ApiKeySid = "SK1", ApiKeySecret = "s" }.HasRestCredentials);
        Assert.False(new TwilioOptions { ApiKeySid = "SK1", ApiKeySecret = "s" }.HasRestCredentials);
        Assert.False(new TwilioOptions { AccountSid = "AC1", ApiKeySid = "SK1" }.HasRestCredentials);
    }

    [Fact]
    public void An_explicit_auth_token_makes_disagreeing_alias_tokens_irrelevant()
    {
        var options = new TwilioOptions { AuthToken = "explicit" };
        options.Client.AuthToken = "one";
        options.RequestValidation.AuthToken = "two";
        Assert.True(Validator("Production").Validate(null, options).Succeeded);
    }
}
