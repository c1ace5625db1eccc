using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Registry;
using PhoneBridge.Core.Tests.Bridge;

namespace PhoneBridge.Core.Tests;

public class ServiceCollectionTests
{
    [Fact]
    public void RegistersDefaults()
    {
        using var provider = Build([]);
        Assert.IsType<InMemoryCallRegistry>(provider.GetRequiredService<ICallRegistry>());
        Assert.IsType<LocalEchoEdge>(provider.GetRequiredService<IEdge>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.NotNull(provider.GetRequiredService<CallBridge>());
        Assert.Same(provider.GetRequiredService<BridgeCounters>(), provider.GetRequiredService<BridgeCounters>());
        Assert.Equal(TimeSpan.FromSeconds(60), provider.GetRequiredService<IOptions<CallRegistryOptions>>().Value.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(200), provider.GetRequiredService<IOptions<BridgeOptions>>().Value.PreLiveBuffer);
        Assert.Equal(TimeSpan.Zero, provider.GetRequiredService<IOptions<EchoEdgeOptions>>().Value.Delay);
    }

    [Fact]
    public void BindsConfiguration()
    {
        using var provider = Build(new()
        {
            ["PhoneBridge:Registry:ConnectTimeout"] = "00:00:15",
            ["PhoneBridge:Bridge:PreLiveBuffer"] = "00:00:00.400",
            ["PhoneBridge:Echo:Delay"] = "00:00:01",
        });
        Assert.Equal(TimeSpan.FromSeconds(15), provider.GetRequiredService<IOptions<CallRegistryOptions>>().Value.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(400), provider.GetRequiredService<IOptions<BridgeOptions>>().Value.PreLiveBuffer);
        Assert.Equal(TimeSpan.FromSeconds(1), provider.GetRequiredService<IOptions<EchoEdgeOptions>>().Value.Delay);
    }

    [Theory]
    [InlineData("PhoneBridge:Registry:ConnectTimeout", "00:00:00")]
    [InlineData("PhoneBridge:Bridge:PreLiveBuffer", "-00:00:01")]
    [InlineData("PhoneBridge:Echo:Delay", "00:01:00")]
    [InlineData("PhoneBridge:Hold:AudioFile", "/nonexistent/phonebridge-hold.wav")]
    public async Task InvalidOptionsFailAtStart(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddPhoneBridgeCore();
        using var host = builder.Build();
        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Fact]
    public void EarlierRegistrationsWin()
    {
        var services = new ServiceCollection();
        var edge = new FakeEdge();
        services.AddSingleton<IEdge>(edge);
        services.AddSingleton(new ConfigurationBuilder().Build() as IConfiguration);
        services.AddLogging();
        services.AddPhoneBridgeCore();
        using var provider = services.BuildServiceProvider();
        Assert.Same(edge, provider.GetRequiredService<IEdge>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddPhoneBridgeCore();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
