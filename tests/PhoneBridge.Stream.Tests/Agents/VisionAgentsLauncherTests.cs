using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Core.Registry;
using PhoneBridge.Stream.Agents;
using PhoneBridge.Stream.Tests.Fakes;

namespace PhoneBridge.Stream.Tests.Agents;

public class VisionAgentsLauncherTests
{
    private static VisionAgentsLauncher Launcher(Uri? server, StreamOptions? stream = null) =>
        new(new HttpClient(), TestOptions.Monitor(new AgentOptions { ServerUrl = server }),
            TestOptions.Monitor(stream ?? TestOptions.Create()), NullLogger<VisionAgentsLauncher>.Instance);

    [Fact]
    public async Task Prepare_starts_a_session_for_the_stream_call_and_dispose_deletes_it()
    {
        await using var agents = await FakeAgentServer.StartAsync();
        var stream = TestOptions.Create();
        stream.CallType = "audio_room";
        stream.CallIdPrefix = "pb-";
        var launcher = Launcher(agents.BaseUrl, stream);

        var prepared = await launcher.PrepareAsync(new CallInfo("c42", "twilio", "CA1", "+15551234567", "+15557654321", DateTimeOffset.UtcNow), CancellationToken.None);

        var session = Assert.IsType<AgentSession>(prepared);
        Assert.Equal("pb-c42", session.CallId);
        Assert.Equal(("pb-c42", "audio_room"), agents.Sessions[session.SessionId]);
        Assert.NotNull(session.StartedAt);

        await session.DisposeAsync();
        await session.DisposeAsync();

        Assert.Equal(session.SessionId, Assert.Single(agents.Deleted));
        Assert.Empty(agents.Sessions);
    }

    [Fact]
    public async Task Capacity_refusal_is_a_typed_error()
    {
        await using var agents = await FakeAgentServer.StartAsync();
        agents.MaxSessions = 0;

        var e = await Assert.ThrowsAsync<AgentLaunchException>(() => Launcher(agents.BaseUrl).StartSessionAsync("c1", CancellationToken.None));

        Assert.True(e.IsCapacity);
        Assert.Contains("maximum", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_an_unknown_session_counts_as_closed()
    {
        await using var agents = await FakeAgentServer.StartAsync();
        var launcher = Launcher(agents.BaseUrl);
        var session = await launcher.StartSessionAsync("c1", CancellationToken.None);
        agents.Sessions.Clear();

        await launcher.StopSessionAsync(session, CancellationToken.None);
    }

    [Fact]
    public async Task Unreachable_server_is_a_typed_error()
    {
        var e = await Assert.ThrowsAsync<AgentLaunchException>(() => Launcher(new Uri("http://127.0.0.1:9")).StartSessionAsync("c1", CancellationToken.None));

        Assert.Contains("unreachable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_configured_without_server_url() => Assert.False(Launcher(null).IsConfigured);
}
