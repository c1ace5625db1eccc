using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Twilio.Tests.Hosting;

public class PublicUrlResolverTests
{
    private static PublicUrlResolver Resolver(string? publicUrl) =>
        Services(publicUrl).GetRequiredService<PublicUrlResolver>();

    private static ServiceProvider Services(string? publicUrl)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["PhoneBridge:PublicUrl"] = publicUrl })
            .Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddPhoneBridgeHosting()
            .BuildServiceProvider();
    }

    private static HttpRequest Request(string scheme, string host, string path, string query = "", string pathBase = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString(host);
        context.Request.PathBase = pathBase;
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }

    [Fact]
    public void Configured_public_url_wins_over_the_request()
    {
        var resolver = Resolver("https://Abc.ngrok.app/");
        var request = Request("http", "127.0.0.1:5080", "/twilio/voice", "?a=1&b=2");

        Assert.Equal("https://Abc.ngrok.app", resolver.GetBaseUrl(request));
        Assert.Equal("https://Abc.ngrok.app/twilio/voice?a=1&b=2", resolver.GetRequestUrl(request));
        Assert.Equal("wss://Abc.ngrok.app/twilio/media/c1/tok", resolver.GetMediaUrl(request, "twilio", "c1", "tok"));
    }

    [Fact]
    public void Configured_public_url_keeps_its_path_prefix()
    {
        var resolver = Resolver("https://example.com/bridge");
        var request = Request("http", "127.0.0.1:5080", "/twilio/voice");

        Assert.Equal("https://example.com/bridge/twilio/voice", resolver.GetRequestUrl(request));
        Assert.Equal("wss://example.com/bridge/telnyx/media/c1/tok", resolver.GetMediaUrl(request, "telnyx", "c1", "tok"));
    }

    [Fact]
    public void Without_configuration_the_request_scheme_and_host_are_used()
    {
        var resolver = Resolver(null);

        var plain = Request("http", "127.0.0.1:5080", "/twilio/voice", "?x=1");
        Assert.Equal("http://127.0.0.1:5080/twilio/voice?x=1", resolver.GetRequestUrl(plain));
        Assert.Equal("ws://127.0.0.1:5080/twilio/media/c1/tok", resolver.GetMediaUrl(plain, "twilio", "c1", "tok"));

        // What UseForwardedHeaders leaves behind a TLS-terminating proxy.
        var forwarded = Request("https", "bridge.example.com", "/twilio/voice", pathBase: "/pb");
        Assert.Equal("https://bridge.example.com/pb/twilio/voice", resolver.GetRequestUrl(forwarded));
        Assert.Equal("wss://bridge.example.com/pb/twilio/media/c1/tok", resolver.GetMediaUrl(forwarded, "twilio", "c1", "tok"));
    }

    [Fact]
    public void Media_url_escapes_path_segments()
    {
        var resolver = Resolver("https://h.example");
        var request = Request("http", "x", "/");
        Assert.Equal("wss://h.example/twilio/media/a%2Fb/t%3Fk", resolver.GetMediaUrl(request, "twilio", "a/b", "t?k"));
    }

    [Theory]
    [InlineData("https://a.example", "wss://a.example")]
    [InlineData("HTTP://a.example:8080/x", "ws://a.example:8080/x")]
    [InlineData("wss://a.example", "wss://a.example")]
    public void Web_socket_scheme_follows_http_scheme(string url, string expected) =>
        Assert.Equal(expected, PublicUrlResolver.ToWebSocketUrl(url));

    [Theory]
    [InlineData("abc.ngrok.app")]
    [InlineData("ftp://abc.ngrok.app")]
    [InlineData("https://abc.ngrok.app/?x=1")]
    [InlineData("https://abc.ngrok.app/#f")]
    [InlineData("/relative")]
    public void Invalid_public_url_fails_validation(string publicUrl)
    {
        using var services = Services(publicUrl);
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PhoneBridgeOptions>>().Value);
        Assert.Contains("PhoneBridge:PublicUrl", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("https://abc.ngrok.app/")]
    public void Valid_or_absent_public_url_passes_validation(string? publicUrl)
    {
        using var services = Services(publicUrl);
        Assert.Equal(publicUrl, services.GetRequiredService<IOptions<PhoneBridgeOptions>>().Value.PublicUrl);
    }
}
