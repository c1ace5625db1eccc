using System.Net;
using PhoneBridge.Redis.Connection;

namespace PhoneBridge.Redis.Tests;

public class RedisConnectionStringTests
{
    [Fact]
    public void A_url_with_password_port_and_database_is_read()
    {
        var options = RedisConnectionString.Parse("redis://:s3cr%40t@127.0.0.1:6380/2");

        var endpoint = Assert.IsType<IPEndPoint>(Assert.Single(options.EndPoints));
        Assert.Equal(6380, endpoint.Port);
        Assert.Equal("s3cr@t", options.Password);
        Assert.Null(options.User);
        Assert.Equal(2, options.DefaultDatabase);
        Assert.False(options.Ssl);
        Assert.False(options.AbortOnConnectFail);
    }

    [Fact]
    public void A_tls_url_with_a_user_turns_ssl_on()
    {
        var options = RedisConnectionString.Parse("rediss://app:pw@cache.example.com");

        var endpoint = Assert.IsType<DnsEndPoint>(Assert.Single(options.EndPoints));
        Assert.Equal("cache.example.com", endpoint.Host);
        Assert.Equal(6379, endpoint.Port);
        Assert.True(options.Ssl);
        Assert.Equal("app", options.User);
        Assert.Equal("pw", options.Password);
    }

    [Fact]
    public void A_configuration_string_is_read_as_StackExchange_Redis_reads_it()
    {
        var options = RedisConnectionString.Parse("127.0.0.1:7000,password=pw,abortConnect=true");

        Assert.Equal(7000, Assert.IsType<IPEndPoint>(Assert.Single(options.EndPoints)).Port);
        Assert.Equal("pw", options.Password);
        Assert.False(options.AbortOnConnectFail);
    }

    [Theory]
    [InlineData("redis://")]
    [InlineData("redis://host/notanumber")]
    [InlineData(",password=pw")]
    public void Malformed_values_are_refused_without_echoing_them(string value)
    {
        Assert.False(RedisConnectionString.TryValidate(value, out var error));
        Assert.NotNull(error);
        Assert.DoesNotContain("pw", error, StringComparison.Ordinal);
    }
}
