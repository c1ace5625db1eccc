using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Core.Registry;
using PhoneBridge.Stream.Agents;
using PhoneBridge.Stream.Tests.Fakes;

namespace PhoneBridge.Stream.Tests.Agents;

/// <summary>An agent session started by one instance and closed by the instance that owns the call.</summary>
public class AgentSessionHandoverTests
{
    private static VisionAgentsLauncher Launcher(Uri server) =>
        new(new HttpClient(), TestOptions.Monitor(new AgentOptions { ServerUrl = server }),
            TestOptions.Monitor(TestOptions.Create()), NullLogger<VisionAgentsLauncher>.Instance);

    private static AgentSessionHandover Handover(Uri server)
    {
        var services = new ServiceCollection();
        services.AddTransient(_ => Launcher(server));
        return new AgentSessionHandover(services.BuildServiceProvider());
    }

    [Fact]
    public async Task A_session_described_on_one_instance_is_closed_by_the_one_that_rebuilds_it()
    {
        await using var agents = await FakeAgentServer.StartAsync();
        var started = await Launcher(agents.BaseUrl).StartSessionAsync("c7", CancellationToken.None);
        IPreparedWorkHandover onA = Handover(agents.BaseUrl);
        IPreparedWorkHandover onB = Handover(agents.BaseUrl);

        var description = onA.Describe(started);
        var rebuilt = Assert.IsType<AgentSession>(onB.Restore(description!));

        Assert.DoesNotContain("+1555", description, StringComparison.Ordinal);
        Assert.Equal((started.CallType, started.CallId, started.SessionId, started.StartedAt), (rebuilt.CallType, rebuilt.CallId, rebuilt.SessionId, rebuilt.StartedAt));
        await rebuilt.DisposeAsync();
        Assert.Equal(started.SessionId, Assert.Single(agents.Deleted));
        Assert.Empty(agents.Sessions);
    }

    [Fact]
    public void Other_work_and_unreadable_descriptions_are_not_handed_over()
    {
        IPreparedWorkHandover handover = Handover(new Uri("http://127.0.0.1:9"));

        Assert.Null(handover.Describe(new object()));
        Assert.Null(handover.Restore("not json"));
        Assert.Null(handover.Restore("{}"));
    }
}
