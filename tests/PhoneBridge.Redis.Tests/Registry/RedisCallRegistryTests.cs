using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;
using PhoneBridge.Redis.Tests.Infrastructure;

namespace PhoneBridge.Redis.Tests.Registry;

public sealed class RedisCallRegistryTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..8] + ":";

    [Fact]
    public async Task A_token_claims_its_call_once_and_wrong_or_unknown_ones_are_told_apart()
    {
        await using var node = await RedisNode.StartAsync(redis.Server, _prefix, "a");
        var registration = await node.Registry.RegisterAsync(new CallRegistrationRequest("twilio", "CA1", "+15551230000", "+15559870000"));

        Assert.Equal(ClaimResult.UnknownCall, (await node.Registry.TryClaimAsync("nope", registration.Token)).Result);
        Assert.Equal(ClaimResult.BadToken, (await node.Registry.TryClaimAsync(registration.CallId, registration.Token[..^1] + "x")).Result);
        Assert.Equal(ClaimResult.BadToken, (await node.Registry.TryClaimAsync(registration.CallId, "")).Result);
        var claim = await node.Registry.TryClaimAsync(registration.CallId, registration.Token);
        Assert.Equal(ClaimResult.Claimed, claim.Result);
        Assert.Equal(registration.CallId, claim.Call!.CallId);
        Assert.Equal(ClaimResult.AlreadyClaimed, (await node.Registry.TryClaimAsync(registration.CallId, registration.Token)).Result);
        Assert.Equal(node.Id, await node.Ownership.FindOwnerAsync(registration.CallId, default));

        node.Registry.Release(registration.CallId);
        await WaitUntilAsync(async () => await node.Ownership.FindOwnerAsync(registration.CallId, default) is null);
        Assert.Equal(ClaimResult.UnknownCall, (await node.Registry.TryClaimAsync(registration.CallId, registration.Token)).Result);
        Assert.Equal(0, node.Registry.Count);
    }

    [Fact]
    public async Task Only_a_hash_of_the_token_is_stored()
    {
        await using var node = await RedisNode.StartAsync(redis.Server, _prefix, "a");
        var registration = await node.Registry.RegisterAsync(new CallRegistrationRequest("twilio"));

        var entry = await node.Redis.GetDatabase().HashGetAllAsync(node.Keys.Call(registration.CallId));
        var token = entry.Single(e => e.Name == "token").Value;
        Assert.Equal(32, ((byte[])token!).Length);
        Assert.DoesNotContain(entry, e => ((string?)e.Value ?? string.Empty).Contains(registration.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_registration_expires_after_the_connect_allowance_plus_the_ring_time_and_late_sockets_hear_expired()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var node = await RedisNode.StartAsync(redis.Server, _prefix, "a", connectTimeout: TimeSpan.FromSeconds(30), time: time);
        var ringing = await node.Registry.RegisterAsync(new CallRegistrationRequest("twilio", Direction: CallDirection.Outbound, RingTimeout: TimeSpan.FromSeconds(20)));
        var inbound = await node.Registry.RegisterAsync(new CallRegistrationRequest("twilio"));
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(50), ringing.ExpiresAt);

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(ClaimResult.Expired, (await node.Registry.TryClaimAsync(inbound.CallId, inbound.Token)).Result);
        Assert.Equal(ClaimResult.Claimed, (await node.Registry.TryClaimAsync(ringing.CallId, ringing.Token)).Result);
        Assert.False(node.Directory.TryGet(inbound.CallId, out _));
        Assert.Contains(node.Events.Published, e => e is PhoneCallEvent { State: "ended", Reason: "media stream never connected" } ended && ended.CallId == inbound.CallId);

        // The tombstone lives in Redis for one more allowance.
        var ttl = await node.Redis.GetDatabase().KeyTimeToLiveAsync(node.Keys.Call(inbound.CallId));
        Assert.NotNull(ttl);
    }

    [Fact]
    public async Task Many_parallel_claims_from_two_instances_let_exactly_one_win()
    {
        await using var a = await RedisNode.StartAsync(redis.Server, _prefix, "a");
        await using var b = await RedisNode.StartAsync(redis.Server, _prefix, "b");
        var registration = await a.Registry.RegisterAsync(new CallRegistrationRequest("telnyx"));

        var claims = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
            (await (i % 2 == 0 ? a : b).Registry.TryClaimAsync(registration.CallId, registration.Token)).Result)));

        Assert.Equal(1, claims.Count(c => c == ClaimResult.Claimed));
        Assert.Equal(63, claims.Count(c => c == ClaimResult.AlreadyClaimed));
    }

    [Fact]
    public async Task A_call_registered_on_A_and_claimed_on_B_is_owned_and_listed_by_B_and_A_lets_go_of_its_early_work()
    {
        var agents = new FakeAgentServer();
        var edgeA = new FakeEdge();
        await using var a = await RedisNode.StartAsync(redis.Server, _prefix, "a", agents, edgeA);
        await using var b = await RedisNode.StartAsync(redis.Server, _prefix, "b", agents, new FakeEdge());
        var parameters = new Dictionary<string, string> { ["lang"] = "fr" };
        var registration = await a.Registry.RegisterAsync(new CallRegistrationRequest(
            "twilio", "CA9", "+15551230000", "+15559870000", ExpectedSampleRate: 8000, CustomParameters: parameters, StirVerstat: "TN-Validation-Passed-A"));
        Assert.True(a.Directory.TryGet(registration.CallId, out _));
        await WaitUntilAsync(() => Task.FromResult(agents.Started.Count == 1 && edgeA.Joined == 1));
        await WaitUntilAsync(async () => await a.Redis.GetDatabase().HashGetAsync(a.Keys.Call(registration.CallId), "prep") == "done");

        var claim = await b.Registry.TryClaimAsync(registration.CallId, registration.Token);

        Assert.Equal(ClaimResult.Claimed, claim.Result);
        var call = claim.Call!;
        Assert.Equal(registration.Info.ProviderCallId, call.Info.ProviderCallId);
        Assert.Equal(registration.Info.From, call.Info.From);
        Assert.Equal(registration.Info.EdgeCall, call.Info.EdgeCall);
        Assert.Equal(registration.Info.RegisteredAt, call.Info.RegisteredAt);
        Assert.Equal(8000, call.Info.ExpectedSampleRate);
        Assert.Equal("fr", call.Info.CustomParameters!["lang"]);
        Assert.Equal("TN-Validation-Passed-A", call.Info.StirVerstat);
        Assert.Null(call.EdgeJoin);
        Assert.Equal(b.Id, await a.Ownership.FindOwnerAsync(registration.CallId, default));
        Assert.True(b.Directory.TryGet(registration.CallId, out _));

        // A hears of the claim: its early edge session leaves, its directory entry goes (nothing published as ended).
        await edgeA.AllLeft.Task.WaitAsync(Wait);
        await WaitUntilAsync(() => Task.FromResult(!a.Directory.TryGet(registration.CallId, out _) && a.Registry.Count == 0));
        Assert.DoesNotContain(a.Events.Published, e => e is PhoneCallEvent { State: "ended" });

        // B's bridge gets A's agent session, uses it and closes it at hangup; A never closes it.
        var session = Assert.IsType<FakeAgentServer.Session>(await call.Prepared.WaitAsync(Wait));
        Assert.Equal(Assert.Single(agents.Started), session.Id);
        Assert.Empty(agents.Closed);
        await session.DisposeAsync();
        b.Registry.Release(call.CallId);
        await WaitUntilAsync(async () => await b.Ownership.FindOwnerAsync(registration.CallId, default) is null);
        Assert.Equal(new[] { session.Id }, agents.Closed);
    }

    [Fact]
    public async Task Work_still_preparing_when_B_claims_is_handed_over_when_it_is_ready()
    {
        var agents = new FakeAgentServer { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var a = await RedisNode.StartAsync(redis.Server, _prefix, "a", agents);
        await using var b = await RedisNode.StartAsync(redis.Server, _prefix, "b", agents);
        var registration = await a.Registry.RegisterAsync(new CallRegistrationRequest("telnyx"));

        var call = (await b.Registry.TryClaimAsync(registration.CallId, registration.Token)).Call!;
        Assert.False(call.Prepared.IsCompleted);
        agents.Gate.SetResult();

        var session = Assert.IsType<FakeAgentServer.Session>(await call.Prepared.WaitAsync(Wait));
        Assert.Equal(Assert.Single(agents.Started), session.Id);
        Assert.Empty(agents.Closed);
    }

    [Fact]
    public async Task A_call_released_on_B_before_its_work_was_handed_over_has_that_work_closed_once()
    {
        var agents = new FakeAgentServer { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var a = await RedisNode.StartAsync(redis.Server, _prefix, "a", agents);
        await using var b = await RedisNode.StartAsync(redis.Server, _prefix, "b", agents);
        var registration = await a.Registry.RegisterAsync(new CallRegistrationRequest("telnyx"));
        var call = (await b.Registry.TryClaimAsync(registration.CallId, registration.Token)).Call!;

        b.Registry.Release(call.CallId);
        await WaitUntilAsync(async () => await b.Ownership.FindOwnerAsync(registration.CallId, default) is null
            && !await b.Redis.GetDatabase().KeyExistsAsync(b.Keys.Call(registration.CallId)));
        agents.Gate.SetResult();

        await WaitUntilAsync(() => Task.FromResult(agents.Closed.Count == 1));
        Assert.Equal(agents.Started, agents.Closed);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.Prepared.WaitAsync(Wait));
    }

    [Fact]
    public async Task A_waiting_call_released_on_another_instance_is_let_go_by_its_registrar()
    {
        var agents = new FakeAgentServer();
        await using var a = await RedisNode.StartAsync(redis.Server, _prefix, "a", agents);
        await using var b = await RedisNode.StartAsync(redis.Server, _prefix, "b", agents);
        var registration = await a.Registry.RegisterAsync(new CallRegistrationRequest("telnyx"));
        await WaitUntilAsync(() => Task.FromResult(agents.Started.Count == 1));

        b.Registry.Release(registration.CallId);

        await WaitUntilAsync(() => Task.FromResult(a.Registry.Count == 0 && agents.Closed.Count == 1));
        Assert.False(a.Directory.TryGet(registration.CallId, out _));
        Assert.Equal(ClaimResult.UnknownCall, (await b.Registry.TryClaimAsync(registration.CallId, registration.Token)).Result);
    }

    [Fact]
    public async Task A_call_id_registered_twice_is_refused_while_the_first_is_live()
    {
        await using var a = await RedisNode.StartAsync(redis.Server, _prefix, "a");
        await using var b = await RedisNode.StartAsync(redis.Server, _prefix, "b");
        await a.Registry.RegisterAsync(new CallRegistrationRequest("twilio", CallId: "same-id"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => b.Registry.RegisterAsync(new CallRegistrationRequest("twilio", CallId: "same-id")).AsTask());
    }

    [Fact]
    public async Task The_call_s_trace_registered_on_one_instance_reaches_the_instance_that_claims_it()
    {
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == PhoneBridge.Core.Telemetry.CallTracing.SourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        await using var a = await RedisNode.StartAsync(redis.Server, _prefix, "a");
        await using var b = await RedisNode.StartAsync(redis.Server, _prefix, "b");

        var registration = await a.Registry.RegisterAsync(new CallRegistrationRequest("twilio", "CA1"));
        var claim = await b.Registry.TryClaimAsync(registration.CallId, registration.Token);

        Assert.Equal(ClaimResult.Claimed, claim.Result);
        Assert.NotNull(registration.Info.TraceParent);
        Assert.Equal(registration.Info.TraceParent, claim.Call!.Info.TraceParent);
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met within " + Wait);
            }

            await Task.Delay(25);
        }
    }
}
