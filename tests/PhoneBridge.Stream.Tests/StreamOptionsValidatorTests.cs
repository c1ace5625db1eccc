namespace PhoneBridge.Stream.Tests;

public class StreamOptionsValidatorTests
{
    [Fact]
    public void Defaults_without_credentials_are_valid()
    {
        var result = new StreamOptionsValidator().Validate(null, new StreamOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.False(new StreamOptions().IsConfigured);
    }

    [Fact]
    public void Configured_options_are_valid() =>
        Assert.True(new StreamOptionsValidator().Validate(null, TestOptions.Create()).Succeeded);

    [Theory]
    [InlineData("key-only")]
    [InlineData("bad-call-type")]
    [InlineData("bad-prefix")]
    [InlineData("relative-url")]
    [InlineData("unhealthy-shorter-than-ping")]
    public void Bad_options_fail_with_a_message(string kind)
    {
        var options = TestOptions.Create();
        switch (kind)
        {
            case "key-only": options.ApiSecret = ""; break;
            case "bad-call-type": options.CallType = "Default Type"; break;
            case "bad-prefix": options.PhoneUserIdPrefix = "phone+"; break;
            case "relative-url": options.BaseUrl = new Uri("/api", UriKind.Relative); break;
            case "unhealthy-shorter-than-ping": options.UnhealthyTimeout = TimeSpan.FromSeconds(1); break;
        }

        var result = new StreamOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Stream:", result.FailureMessage, StringComparison.Ordinal);
    }
}
