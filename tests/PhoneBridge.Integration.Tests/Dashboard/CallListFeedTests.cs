using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Registry;
using PhoneBridge.Dashboard;
using PhoneBridge.Dashboard.Live;

namespace PhoneBridge.Integration.Tests.Dashboard;

/// <summary>The live list's feed on a fake clock: coalesced deltas per interval, bounded connections, slow clients dropped.</summary>
public sealed class CallListFeedTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CallDirectory _directory = new(new NullCallEventPublisher());
    private readonly DashboardOptions _options = new() { MaxEventStreams = 2, UpdateInterval = TimeSpan.FromMilliseconds(250) };

    [Fact]
    public void Many_changes_within_an_interval_make_one_delta_and_nothing_is_sent_while_nothing_changes()
    {
        using var feed = Feed();
        var subscription = feed.Subscribe()!;
        Assert.StartsWith("event: snapshot\n", Read(subscription), StringComparison.Ordinal);

        for (var i = 0; i < 200; i++)
        {
            _directory.Add(Info($"c{i}"));
        }

        for (var i = 0; i < 50; i++)
        {
            _directory.MarkAnswered($"c{i}");
            _directory.End($"c{i + 150}", "test");
        }

        Assert.Null(TryRead(subscription));
        _time.Advance(_options.UpdateInterval);
        var delta = Read(subscription);
        Assert.StartsWith("event: delta\n", delta, StringComparison.Ordinal);
        Assert.Equal(150, Count(delta, "\"startedAt\""));   // added: the 150 still there
        Assert.Null(TryRead(subscription));

        _time.Advance(_options.UpdateInterval * 4);
        Assert.Null(TryRead(subscription));

        _directory.End("c0", "test");
        _directory.Calls.First(c => c.CallId == "c1").Quality.SetJitter(3);
        _time.Advance(_options.UpdateInterval);
        var next = Read(subscription);
        Assert.Contains("\"removed\":[\"c0\"]", next, StringComparison.Ordinal);
        Assert.Contains("\"changed\":[{\"id\":\"c1\",\"jitterMs\":3}]", next, StringComparison.Ordinal);
        feed.Unsubscribe(subscription);
    }

    [Fact]
    public void Connections_past_the_limit_are_refused_and_a_client_that_stops_reading_is_dropped_without_holding_up_the_others()
    {
        using var feed = Feed();
        var stuck = feed.Subscribe()!;
        var reader = feed.Subscribe()!;
        Assert.Null(feed.Subscribe());
        Read(reader);

        for (var tick = 0; tick < CallListSubscription.Capacity + 2; tick++)
        {
            _directory.Add(Info($"c{tick}"));
            _time.Advance(_options.UpdateInterval);
            Assert.StartsWith("event: delta\n", Read(reader), StringComparison.Ordinal);
        }

        Assert.True(stuck.WasDropped);
        Assert.True(stuck.Dropped.IsCancellationRequested);
        Assert.Equal(1, feed.Connections);

        // The dropped one's place is free again.
        var again = feed.Subscribe();
        Assert.NotNull(again);
        Assert.Contains("\"id\":\"c9\"", Read(again), StringComparison.Ordinal);
    }

    [Fact]
    public void An_ended_call_stays_findable_for_its_page()
    {
        using var feed = Feed();
        var subscription = feed.Subscribe()!;
        _directory.Add(Info("gone"));
        _time.Advance(_options.UpdateInterval);
        _directory.End("gone", "caller hung up");
        _time.Advance(_options.UpdateInterval);

        Assert.False(_directory.TryGet("gone", out _));
        Assert.True(feed.TryFind("gone", out var call));
        Assert.Equal("end", call!.Timeline.Snapshot()[^1].Kind);
        Assert.False(feed.TryFind("never", out _));
        feed.Unsubscribe(subscription);
    }

    private CallListFeed Feed() => new(
        _directory, new StaticOptions<CallListOptions>(new CallListOptions()), new StaticOptions<DashboardOptions>(_options),
        new LocalEchoEdge(Options.Create(new EchoEdgeOptions()), NullLogger<LocalEchoEdge>.Instance), _time, NullLogger<CallListFeed>.Instance);

    private static CallInfo Info(string id) => new(id, "twilio", "CA" + id, "+15551234567", "+15557654321", DateTimeOffset.UnixEpoch);

    private static string Read(CallListSubscription subscription) =>
        TryRead(subscription) ?? throw new Xunit.Sdk.XunitException("no event queued");

    private static string? TryRead(CallListSubscription subscription) => subscription.Events.TryRead(out var message) ? message : null;

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    private sealed class StaticOptions<T>(T value) : IOptionsMonitor<T>
        where T : class
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
