using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;
using PhoneBridge.Stream.Auth;
using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Events;
using PhoneBridge.Stream.Tests.Fakes;
using PhoneBridge.Testing.Logging;

namespace PhoneBridge.Stream.Tests.Events;

public sealed class StreamCallEventPublisherTests
{
    private const string Number = "+15551234567";

    private static LiveCall Call(string callId = "c1") =>
        new(new CallInfo(callId, "twilio", "CA" + callId, Number, "+15557654321", DateTimeOffset.UnixEpoch, CallDirection.Inbound,
            new EdgeCallAddress("default", "phone-" + callId)));

    private static StreamCallEventPublisher Publisher(FakeStream fake, ListLogger<StreamCallEventPublisher> logger, int capacity = 64,
        ListLogger<StreamCoordinatorClient>? coordinatorLogger = null)
    {
        var options = SessionFactory.Options(fake);
        var coordinator = coordinatorLogger is null
            ? SessionFactory.Coordinator(options)
            : new StreamCoordinatorClient(new HttpClient(), new StreamTokenFactory(TestOptions.Monitor(options), TimeProvider.System),
                TestOptions.Monitor(options), coordinatorLogger);
        return new StreamCallEventPublisher(coordinator, TestOptions.Monitor(options), TimeProvider.System, logger, capacity);
    }

    private static IEnumerable<LogEntry> Logged(ListLogger logger, int id) => logger.Entries.Where(e => e.EventId.Id == id);

    [Fact]
    public async Task Each_event_reaches_the_stream_call_as_the_phone_user_with_exactly_its_fields_in_order()
    {
        await using var fake = await FakeStream.StartAsync();
        var logger = new ListLogger<StreamCallEventPublisher>();
        await using var publisher = Publisher(fake, logger);
        var call = Call();

        // Nobody joined: the Stream call and the phone's user do not exist yet when the call rings.
        publisher.Publish(call, new PhoneCallEvent("c1", "ringing"));
        publisher.Publish(call, new PhoneCallEvent("c1", "answered"));
        publisher.Publish(call, new PhoneTransferEvent("c1", "warm", "started", LegCallId: "c2"));
        publisher.Publish(call, new PhoneTransferEvent("c1", "cold", "failed", "busy"));
        publisher.Publish(call, new PhoneHoldEvent("c1", true));
        publisher.Publish(call, new PhoneHoldEvent("c1", false));
        publisher.Publish(call, new PhoneCallEvent("c1", "ended", "caller hung up"));

        await FakeStream.WaitUntilAsync(() => fake.CustomEvents.Count == 7, "seven call events");
        Assert.Equal(
            [
                """{"type":"phone.call","callId":"c1","state":"ringing"}""",
                """{"type":"phone.call","callId":"c1","state":"answered"}""",
                """{"type":"phone.transfer","callId":"c1","mode":"warm","state":"started","legCallId":"c2"}""",
                """{"type":"phone.transfer","callId":"c1","mode":"cold","state":"failed","reason":"busy"}""",
                """{"type":"phone.hold","callId":"c1","held":true}""",
                """{"type":"phone.hold","callId":"c1","held":false}""",
                """{"type":"phone.call","callId":"c1","state":"ended","reason":"caller hung up"}""",
            ],
            fake.CustomEvents.Select(e => e["custom"]!.ToJsonString()));
        Assert.All(fake.CustomEvents, e => Assert.Equal("phone-c1", e["user_id"]!.GetValue<string>()));
        Assert.All(fake.CoordinatorRequests.Where(r => r.Path.EndsWith("/event", StringComparison.Ordinal)),
            r => Assert.Equal("/api/v2/video/call/default/phone-c1/event", r.Path));

        // The user was made once, under the masked name the join uses; the number went nowhere.
        Assert.Equal("Phone ***4567", Assert.Single(fake.Users)["users"]!["phone-c1"]!["name"]!.GetValue<string>());
        Assert.Single(fake.CoordinatorRequests, r => r.Path == "/api/v2/video/call/default/phone-c1");
        Assert.DoesNotContain(fake.CoordinatorRequests, r => r.Path.Contains("4567", StringComparison.Ordinal) && !r.Path.Contains("phone-c1", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task The_fake_coordinator_like_stream_refuses_an_event_for_a_call_that_does_not_exist()
    {
        await using var fake = await FakeStream.StartAsync();
        var client = SessionFactory.Coordinator(SessionFactory.Options(fake));
        var custom = StreamCallEventPublisher.Custom(new PhoneCallEvent("c9", "ringing"));
        await client.UpsertUsersAsync([new StreamUserRequest("phone-c9")], CancellationToken.None);

        var e = await Assert.ThrowsAsync<StreamApiException>(() => client.SendCustomEventAsync("default", "phone-c9", "phone-c9", custom, CancellationToken.None));
        Assert.Equal((16, System.Net.HttpStatusCode.NotFound), (e.Code, e.StatusCode));
        Assert.Contains("Can't find call with id default:phone-c9", e.Message, StringComparison.Ordinal);

        await client.GetOrCreateCallAsync("default", "phone-c9", "phone-c9", CancellationToken.None);
        var unknown = await Assert.ThrowsAsync<StreamApiException>(() => client.SendCustomEventAsync("default", "phone-c9", "nobody", custom, CancellationToken.None));
        Assert.Equal(16, unknown.Code);
        Assert.Empty(fake.CustomEvents);
    }

    [Fact]
    public async Task Events_of_several_calls_keep_their_order_and_each_call_is_made_ready_once()
    {
        await using var fake = await FakeStream.StartAsync();
        await using var publisher = Publisher(fake, new ListLogger<StreamCallEventPublisher>());
        var (a, b) = (Call("a"), Call("b"));

        for (var i = 0; i < 10; i++)
        {
            publisher.Publish(i % 2 == 0 ? a : b, new PhoneTransferEvent(i % 2 == 0 ? "a" : "b", "warm", "ringing", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        await FakeStream.WaitUntilAsync(() => fake.CustomEvents.Count == 10, "ten events");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            fake.CustomEvents.Select(e => e["custom"]!["reason"]!.GetValue<string>()));
        Assert.Equal(2, fake.Users.Count);
        Assert.Equal(2, fake.CoordinatorRequests.Count(r => r.Path.StartsWith("/api/v2/video/call/", StringComparison.Ordinal) && !r.Path.EndsWith("/event", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_stalled_coordinator_never_blocks_the_caller_the_queue_stays_bounded_and_the_drop_is_logged_once()
    {
        await using var fake = await FakeStream.StartAsync();
        var logger = new ListLogger<StreamCallEventPublisher>();
        await using var publisher = Publisher(fake, logger, capacity: 8);
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.BeforeCustomEvent = ct =>
        {
            stalled.TrySetResult();
            return release.Task.WaitAsync(ct);
        };
        var call = Call();
        publisher.Publish(call, new PhoneHoldEvent("c1", true));
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var watch = Stopwatch.StartNew();
        for (var i = 1; i <= 40; i++)
        {
            publisher.Publish(call, new PhoneTransferEvent("c1", "warm", "ringing", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        watch.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"40 publishes took {watch.Elapsed}");
        var dropped = Assert.Single(Logged(logger, 4700));
        Assert.Equal(LogLevel.Warning, dropped.Level);
        Assert.DoesNotContain(Number, dropped.Message, StringComparison.Ordinal);

        fake.BeforeCustomEvent = null;
        release.SetResult();

        // The one in flight and the eight the queue held, in order; the other 32 were dropped.
        await FakeStream.WaitUntilAsync(() => fake.CustomEvents.Count == 9, "the queued events");
        await FakeStream.WaitUntilAsync(() => Logged(logger, 4701).Any(), "the flowing-again line");
        Assert.Equal(Enumerable.Range(1, 8).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            fake.CustomEvents.Skip(1).Select(e => e["custom"]!["reason"]!.GetValue<string>()));
        Assert.Contains("32 dropped", Assert.Single(Logged(logger, 4701)).Message, StringComparison.Ordinal);
        Assert.Single(Logged(logger, 4700));

        // Flowing again, a new overflow would be logged again; a normal event is not.
        publisher.Publish(call, new PhoneHoldEvent("c1", false));
        await FakeStream.WaitUntilAsync(() => fake.CustomEvents.Count == 10, "the next event");
        Assert.Single(Logged(logger, 4700));
    }

    [Fact]
    public async Task Failed_sends_are_logged_once_until_one_succeeds_and_later_events_still_go()
    {
        await using var fake = await FakeStream.StartAsync();
        var logger = new ListLogger<StreamCallEventPublisher>();
        var coordinatorLogger = new ListLogger<StreamCoordinatorClient>();
        await using var publisher = Publisher(fake, logger, coordinatorLogger: coordinatorLogger);
        var call = Call();
        for (var i = 0; i < 3; i++)
        {
            fake.CustomEventFailures.Enqueue(500);
        }

        publisher.Publish(call, new PhoneCallEvent("c1", "ringing"));
        publisher.Publish(call, new PhoneCallEvent("c1", "answered"));
        publisher.Publish(call, new PhoneHoldEvent("c1", true));
        publisher.Publish(call, new PhoneHoldEvent("c1", false));

        await FakeStream.WaitUntilAsync(() => Logged(logger, 4701).Any(), "the flowing-again line");
        var evt = Assert.Single(fake.CustomEvents);
        Assert.Equal("""{"type":"phone.hold","callId":"c1","held":false}""", evt["custom"]!.ToJsonString());
        var failed = Assert.Single(Logged(logger, 4702));
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Contains("phone.call", failed.Message, StringComparison.Ordinal);
        Assert.Equal(2, Logged(logger, 4703).Count());
        Assert.All(Logged(logger, 4703), e => Assert.Equal(LogLevel.Debug, e.Level));
        Assert.Contains("3 failed", Assert.Single(Logged(logger, 4701)).Message, StringComparison.Ordinal);

        // The client does not add a line per failed request of its own (it does for everyone else).
        Assert.Empty(coordinatorLogger.Entries);
        var client = new StreamCoordinatorClient(new HttpClient(), new StreamTokenFactory(TestOptions.Monitor(SessionFactory.Options(fake)), TimeProvider.System),
            TestOptions.Monitor(SessionFactory.Options(fake)), coordinatorLogger);
        fake.CustomEventFailures.Enqueue(500);
        await Assert.ThrowsAsync<StreamApiException>(() => client.SendCustomEventAsync("default", "phone-c1", "phone-c1", StreamCallEventPublisher.Custom(new PhoneHoldEvent("c1", true)), CancellationToken.None));
        Assert.Equal(4601, Assert.Single(coordinatorLogger.Entries).EventId.Id);
    }

    [Fact]
    public async Task Stopping_with_the_coordinator_stalled_ends_within_the_shutdown_budget_and_keeps_events_of_calls_ending_meanwhile()
    {
        await using var fake = await FakeStream.StartAsync();
        var logger = new ListLogger<StreamCallEventPublisher>();
        var publisher = Publisher(fake, logger);
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.BeforeCustomEvent = ct =>
        {
            stalled.TrySetResult();
            return Task.Delay(Timeout.Infinite, ct);
        };
        var call = Call();
        publisher.Publish(call, new PhoneCallEvent("c1", "ringing"));
        publisher.Publish(call, new PhoneCallEvent("c1", "answered"));
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await publisher.StopAsync(budget.Token);
        publisher.Publish(call, new PhoneHoldEvent("c1", true));
        await publisher.StoppedAsync(budget.Token).WaitAsync(TimeSpan.FromSeconds(30));
        publisher.Publish(call, new PhoneCallEvent("c1", "ended", "shutdown"));
        await publisher.DisposeAsync();

        // Published between the host's stop and its end (a call ending in the drain) still queues; after it, nothing does.
        Assert.Contains("2 call events", Assert.Single(Logged(logger, 4704)).Message, StringComparison.Ordinal);
        Assert.Empty(Logged(logger, 4700));
        Assert.Empty(fake.CustomEvents);
    }

    [Fact]
    public async Task AddStreamEdge_makes_it_the_call_event_publisher_and_a_hosted_service()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Stream:ApiKey"] = TestOptions.ApiKey,
            ["Stream:ApiSecret"] = TestOptions.ApiSecret,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddPhoneBridgeCore();
        services.AddStreamEdge();
        await using var provider = services.BuildServiceProvider();

        var publisher = Assert.IsType<StreamCallEventPublisher>(provider.GetRequiredService<ICallEventPublisher>());
        Assert.Contains(publisher, provider.GetServices<IHostedService>());
        Assert.Same(publisher, provider.GetRequiredService<StreamCallEventPublisher>());
    }
}
