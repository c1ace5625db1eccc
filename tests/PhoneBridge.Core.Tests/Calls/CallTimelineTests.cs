using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Tests.Calls;

public class CallTimelineTests
{
    [Fact]
    public void The_directory_notes_each_event_it_publishes_in_the_calls_timeline_with_its_clock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var directory = new CallDirectory(new NullCallEventPublisher(), time);
        var call = directory.Add(new CallInfo("c1", "twilio", "CA1", "+15551234567", "+15557654321", time.GetUtcNow()));
        time.Advance(TimeSpan.FromSeconds(1));
        directory.MarkAnswered("c1");
        Assert.True(call.SetHeld(true));
        directory.Publish(call, new PhoneHoldEvent("c1", true));
        directory.Publish(call, new PhoneAmdEvent("c1", "machine", "machine_end_beep"));
        directory.Publish(call, new PhoneTransferEvent("c1", "cold", "failed", "busy"));
        time.Advance(TimeSpan.FromSeconds(2));
        directory.End("c1", "hangup requested through the API");

        var entries = call.Timeline.Snapshot();
        Assert.Equal(
            [("webhook", "twilio call registered, ringing"), ("media", "media stream started"), ("hold", "held"),
             ("amd", "machine (machine_end_beep)"), ("transfer", "cold failed: busy"), ("end", "hangup requested through the API")],
            entries.Select(e => (e.Kind, e.Detail!)));
        Assert.Equal(time.GetUtcNow(), entries[^1].At);
        Assert.Equal(entries[0].At.AddSeconds(1), entries[1].At);
        Assert.DoesNotContain(entries, e => e.Detail!.Contains("555", StringComparison.Ordinal));
    }

    [Fact]
    public void An_outbound_call_starts_with_its_dial()
    {
        var directory = new CallDirectory(new NullCallEventPublisher());
        var call = directory.Add(new CallInfo("c2", "telnyx", null, "+15551234567", "+15557654321", DateTimeOffset.UnixEpoch, CallDirection.Outbound));
        Assert.Equal("dial", Assert.Single(call.Timeline.Snapshot()).Kind);
    }

    [Fact]
    public void A_long_timeline_keeps_its_first_entry_and_the_latest_ones_and_counts_what_it_dropped()
    {
        var timeline = new CallTimeline();
        timeline.Add(DateTimeOffset.UnixEpoch, "webhook");
        for (var i = 0; i < 100; i++)
        {
            timeline.Add(DateTimeOffset.UnixEpoch.AddSeconds(i + 1), "dtmf", "key " + (i % 10));
        }

        var entries = timeline.Snapshot();
        Assert.Equal(CallTimeline.Capacity, entries.Length);
        Assert.Equal("webhook", entries[0].Kind);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(100), entries[^1].At);
        Assert.Equal(101 - CallTimeline.Capacity, timeline.Dropped);
    }
}
