using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Rtc.Tests.Media;

public class RtcServiceCollectionTests
{
    [Fact]
    public async Task Options_bind_from_configuration_and_factory_creates_connections()
    {
        await using var provider = Build(new()
        {
            ["PhoneBridge:Rtc:HostAddresses:0"] = "127.0.0.1",
            ["PhoneBridge:Rtc:PublicIp"] = "203.0.113.7",
            ["PhoneBridge:Rtc:OpusComplexity"] = "3",
            ["PhoneBridge:Rtc:OpusImplementation"] = "Managed",
            ["PhoneBridge:Rtc:IceServers:0:Urls:0"] = "stun:127.0.0.1:3478",
        });

        var options = provider.GetRequiredService<IOptions<RtcOptions>>().Value;
        Assert.Equal(["127.0.0.1"], options.HostAddresses);
        Assert.Equal("203.0.113.7", options.PublicIp);
        Assert.Equal(3, options.OpusComplexity);
        Assert.Equal(PhoneBridge.Rtc.Opus.OpusImplementation.Managed, options.OpusImplementation);
        Assert.Equal("stun:127.0.0.1:3478", options.IceServers.Single().Urls.Single());
        var factory = provider.GetRequiredService<PeerConnectionFactory>();
        await using var a = factory.Create();
        await using var b = factory.Create();
        Assert.Same(a.Certificate, b.Certificate);
    }

    [Theory]
    [InlineData("PhoneBridge:Rtc:OpusComplexity", "11")]
    [InlineData("PhoneBridge:Rtc:PublicIp", "not-an-ip")]
    [InlineData("PhoneBridge:Rtc:HostAddresses:0", "localhost")]
    [InlineData("PhoneBridge:Rtc:PortRangeStart", "40000")]
    [InlineData("PhoneBridge:Rtc:IceServers:0:Urls:0", "http://example.invalid")]
    [InlineData("PhoneBridge:Rtc:RelayOnly", "true")]
    public async Task Invalid_options_fail_validation(string key, string value)
    {
        await using var provider = Build(new() { [key] = value });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RtcOptions>>().Value);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddPhoneBridgeRtc()
            .BuildServiceProvider();
    }
}
