namespace PhoneBridge.Redis.Tests.Infrastructure;

/// <summary>One throwaway redis-server for a test class; each test isolates itself with its own key prefix.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServerProcess.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
