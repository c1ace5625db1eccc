using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Stream.Agents;
using PhoneBridge.Stream.Auth;
using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Tests.Fakes;

namespace PhoneBridge.Stream.Tests.Coordinator;

/// <summary>
/// The coordinator and agent clients as <c>AddStreamEdge</c> builds them (resilience handler included): transient
/// failures of idempotent requests are retried, requests that would act twice are not.
/// </summary>
public class HttpResilienceTests
{
    private static ServiceProvider Services(StreamOptions stream, AgentOptions agent, FaultInjectingHandler handler)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StreamServiceCollectionExtensions.CoordinatorHttpSection + ":RetryDelay"] = "00:00:00.010",
            [AgentOptions.HttpSection + ":RetryDelay"] = "00:00:00.010",
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(TestOptions.Monitor(stream))
            .AddSingleton(TestOptions.Monitor(agent))
            .AddSingleton<StreamTokenFactory>();
        StreamServiceCollectionExtensions.AddCoordinatorClient(services).ConfigurePrimaryHttpMessageHandler(() => handler);
        StreamServiceCollectionExtensions.AddAgentClient(services).ConfigurePrimaryHttpMessageHandler(() => handler);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Join_is_retried_after_a_server_error()
    {
        await using var fake = await FakeStream.StartAsync();
        var handler = new FaultInjectingHandler().Fail(HttpStatusCode.ServiceUnavailable);
        await using var services = Services(SessionFactory.Options(fake), new AgentOptions(), handler);
        var client = services.GetRequiredService<StreamCoordinatorClient>();

        var join = await client.JoinCallAsync("default", "c1", "phone-1234", new JoinCallOptions(), CancellationToken.None);

        Assert.Equal("sfu-a", join.Credentials.Server.EdgeName);
        Assert.Equal(2, handler.Requests);
        Assert.Single(fake.Joins);
    }

    [Fact]
    public async Task Persistent_server_error_surfaces_after_the_budget()
    {
        await using var fake = await FakeStream.StartAsync();
        var handler = new FaultInjectingHandler().Fail(HttpStatusCode.InternalServerError, times: 3);
        await using var services = Services(SessionFactory.Options(fake), new AgentOptions(), handler);
        var client = services.GetRequiredService<StreamCoordinatorClient>();

        var e = await Assert.ThrowsAsync<StreamApiException>(() => client.GetOrCreateCallAsync("default", "c1", "phone-1234", CancellationToken.None));

        Assert.Equal(3, handler.Requests);
        Assert.Equal(3, e.Attempts);
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
        Assert.Contains("after 3 tries", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Custom_event_is_not_sent_twice()
    {
        await using var fake = await FakeStream.StartAsync();
        var handler = new FaultInjectingHandler().Fail(HttpStatusCode.ServiceUnavailable);
        await using var services = Services(SessionFactory.Options(fake), new AgentOptions(), handler);
        var client = services.GetRequiredService<StreamCoordinatorClient>();
        using var doc = JsonDocument.Parse("""{"type":"phone.dtmf","digit":"5"}""");
        var custom = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

        var e = await Assert.ThrowsAsync<StreamApiException>(() => client.SendCustomEventAsync("default", "c1", "phone-1234", custom, CancellationToken.None));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Equal(1, handler.Requests);
        Assert.Empty(fake.CustomEvents);
    }

    [Fact]
    public async Task Agent_start_is_not_retried_but_close_is()
    {
        await using var agents = await FakeAgentServer.StartAsync();
        var handler = new FaultInjectingHandler().Fail(HttpStatusCode.BadGateway);
        await using var services = Services(TestOptions.Create(), new AgentOptions { ServerUrl = agents.BaseUrl }, handler);
        var launcher = services.GetRequiredService<VisionAgentsLauncher>();

        var refused = await Assert.ThrowsAsync<AgentLaunchException>(() => launcher.StartSessionAsync("c1", CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Equal(1, handler.Requests);
        Assert.Empty(agents.Sessions);

        var session = await launcher.StartSessionAsync("c1", CancellationToken.None);
        handler.Fail(HttpStatusCode.ServiceUnavailable);
        await launcher.StopSessionAsync(session, CancellationToken.None);

        Assert.Equal(4, handler.Requests);
        Assert.Equal(session.SessionId, Assert.Single(agents.Deleted));
    }
}
