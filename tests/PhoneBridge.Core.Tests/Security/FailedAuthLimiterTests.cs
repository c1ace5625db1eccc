using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Core.Security;

namespace PhoneBridge.Core.Tests.Security;

public sealed class FailedAuthLimiterTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Provider = IPAddress.Parse("198.51.100.20");

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ListLogger<FailedAuthLimiter> _log = new();

    private FailedAuthLimiter Create(int perMinute = 5) =>
        new(Options.Create(new SecurityOptions { MaxFailedAuthPerMinute = perMinute }), _time, _log);

    [Fact]
    public void Address_is_blocked_once_its_failures_are_spent_and_others_are_not()
    {
        using var limiter = Create(perMinute: 5);

        for (var i = 0; i < 5; i++)
        {
            Assert.False(limiter.IsBlocked(Attacker, out _));
            limiter.RecordFailure(Attacker, "signature invalid");
        }

        Assert.True(limiter.IsBlocked(Attacker, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), FailedAuthLimiter.Window);
        Assert.False(limiter.IsBlocked(Provider, out _));
        Assert.False(limiter.IsBlocked(null, out _));
    }

    [Fact]
    public void Checking_never_spends_a_permit()
    {
        using var limiter = Create(perMinute: 2);

        for (var i = 0; i < 100; i++)
        {
            Assert.False(limiter.IsBlocked(Provider, out _));
        }

        limiter.RecordFailure(Provider, "signature invalid");
        for (var i = 0; i < 100; i++)
        {
            Assert.False(limiter.IsBlocked(Provider, out _));
        }

        limiter.RecordFailure(Provider, "signature invalid");
        Assert.True(limiter.IsBlocked(Provider, out _));
    }

    [Fact]
    public void Only_the_first_rejection_is_logged_by_the_caller_and_the_rest_are_summarised_once_a_minute()
    {
        using var limiter = Create(perMinute: 10);

        var logged = 0;
        for (var i = 0; i < 30; i++)
        {
            if (limiter.IsBlocked(Attacker, out _))
            {
                limiter.RecordBlocked(Attacker);
            }
            else if (limiter.RecordFailure(Attacker, i % 2 == 0 ? "signature invalid" : "media token Expired"))
            {
                logged++;
            }
        }

        Assert.Equal(1, logged);
        Assert.Empty(_log.Entries);

        _time.Advance(FailedAuthLimiter.Window);

        var summary = Assert.Single(_log.Entries);
        Assert.Equal(1500, summary.EventId.Id);
        Assert.Contains("29 more rejections from 203.0.113.7", summary.Message, StringComparison.Ordinal);
        Assert.Contains("rate limited (429) ×20", summary.Message, StringComparison.Ordinal);
        Assert.Contains("signature invalid ×4", summary.Message, StringComparison.Ordinal);
        Assert.Contains("media token Expired ×5", summary.Message, StringComparison.Ordinal);

        // A quiet minute: nothing to summarise, and the address is forgotten.
        _time.Advance(FailedAuthLimiter.Window);
        Assert.Single(_log.Entries);
        Assert.Equal(0, limiter.TrackedCount);
    }

    [Fact]
    public void An_address_that_keeps_failing_gets_one_summary_per_minute_and_no_new_first_line()
    {
        using var limiter = Create(perMinute: 1000);

        Assert.True(limiter.RecordFailure(Attacker, "signature invalid"));
        for (var minute = 0; minute < 3; minute++)
        {
            for (var i = 0; i < 10; i++)
            {
                Assert.False(limiter.RecordFailure(Attacker, "signature invalid"));
            }

            _time.Advance(FailedAuthLimiter.Window);
        }

        Assert.Equal(3, _log.Entries.Count);
        Assert.All(_log.Entries, e => Assert.Contains("10 more rejections", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Ipv6_addresses_share_their_slash_64_and_mapped_ipv4_is_plain_ipv4()
    {
        using var limiter = Create(perMinute: 2);

        limiter.RecordFailure(IPAddress.Parse("2001:db8:1:2::1"), "signature invalid");
        limiter.RecordFailure(IPAddress.Parse("2001:db8:1:2:ffff::9"), "signature invalid");
        Assert.True(limiter.IsBlocked(IPAddress.Parse("2001:db8:1:2::abcd"), out _));
        Assert.False(limiter.IsBlocked(IPAddress.Parse("2001:db8:1:3::1"), out _));

        limiter.RecordFailure(IPAddress.Parse("::ffff:203.0.113.7"), "signature invalid");
        limiter.RecordFailure(Attacker, "signature invalid");
        Assert.True(limiter.IsBlocked(Attacker, out _));
        Assert.Equal(2, limiter.TrackedCount);
    }

    [Fact]
    public void Tracked_addresses_are_capped_and_further_ones_are_counted_not_blocked()
    {
        using var limiter = Create(perMinute: 1);

        for (var i = 0; i < FailedAuthLimiter.MaxTrackedAddresses + 500; i++)
        {
            var address = new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);
            limiter.RecordFailure(address, "signature invalid");
        }

        Assert.Equal(FailedAuthLimiter.MaxTrackedAddresses, limiter.TrackedCount);
        Assert.True(limiter.IsBlocked(new IPAddress([10, 0, 0, 0]), out _));
        const int untracked = FailedAuthLimiter.MaxTrackedAddresses + 1;
        Assert.False(limiter.IsBlocked(new IPAddress([10, 0, untracked >> 8, untracked & 0xff]), out _));
        Assert.Single(_log.Entries, e => e.EventId.Id == 1501);

        _time.Advance(FailedAuthLimiter.Window);
        Assert.Contains(_log.Entries, e => e.EventId.Id == 1502 && e.Message.StartsWith("500 rejections", StringComparison.Ordinal));
    }
}
