using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PhoneBridge.Core;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Registry;
using PhoneBridge.Redis.Cluster;
using PhoneBridge.Redis.Registry;

namespace PhoneBridge.Redis.Tests;

public class RedisRegistrationTests
{
    [Fact]
    public void Without_a_connection_string_the_single_process_registry_and_ownership_stay()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Services.AddPhoneBridgeCore();

        builder.AddRedisWhenConfigured();

        using var host = builder.Build();
        Assert.IsType<InMemoryCallRegistry>(host.Services.GetRequiredService<ICallRegistry>());
        Assert.IsType<LocalCallOwnership>(host.Services.GetRequiredService<ICallOwnership>());
    }

    [Fact]
    public void REDIS_URL_is_an_alias_of_the_connection_string_and_replaces_the_registry_and_ownership()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddPhoneBridgeEnvironmentAliases(name => name == "REDIS_URL" ? "redis://127.0.0.1:1/0" : null);
        builder.Services.AddPhoneBridgeCore();

        builder.AddRedisWhenConfigured();

        Assert.Equal("redis://127.0.0.1:1/0", builder.Configuration.GetConnectionString("Redis"));
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(ICallRegistry) && d.ImplementationFactory is not null);
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(RedisCallRegistry));
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(ICallOwnership) && d.ImplementationType == typeof(RedisCallOwnership));
        Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(ICallOwnership) && d.ImplementationType == typeof(LocalCallOwnership));
    }

    [Fact]
    public void A_malformed_connection_string_stops_the_start_without_showing_it()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = "redis://:secret@/x" });

        var error = Assert.Throws<FormatException>(() => builder.AddRedisWhenConfigured());

        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
