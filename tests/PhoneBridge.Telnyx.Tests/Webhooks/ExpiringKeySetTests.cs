using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Telnyx.Webhooks;

namespace PhoneBridge.Telnyx.Tests.Webhooks;

public sealed class ExpiringKeySetTests
{
    [Fact]
    public void AKeyIsADuplicateUntilItExpires()
    {
        var time = new FakeTimeProvider();
        var set = new ExpiringKeySet(10, TimeSpan.FromMinutes(1), time);

        Assert.True(set.TryAdd("a"));
        Assert.False(set.TryAdd("a"));
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(set.TryAdd("a"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(set.TryAdd("a"));
    }

    [Fact]
    public void TheOldestKeysAreForgottenWhenFull()
    {
        var set = new ExpiringKeySet(3, TimeSpan.FromHours(1), new FakeTimeProvider());
        foreach (var key in new[] { "a", "b", "c", "d" })
        {
            Assert.True(set.TryAdd(key));
        }

        Assert.Equal(3, set.Count);
        Assert.False(set.Contains("a"));
        Assert.True(set.Contains("d"));
    }

    [Fact]
    public void ARemovedKeyCanBeAddedAgainAndItsOldEntryDoesNotEvictIt()
    {
        var time = new FakeTimeProvider();
        var set = new ExpiringKeySet(2, TimeSpan.FromMinutes(1), time);
        set.TryAdd("a");
        set.Remove("a");
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(set.TryAdd("a"));
        time.Advance(TimeSpan.FromSeconds(31));

        // The first "a" would have expired now; the second one must still be remembered.
        Assert.True(set.Contains("a"));
    }

    [Fact]
    public void MemoryStaysBoundedUnderAFloodOfDistinctKeys()
    {
        var set = new ExpiringKeySet(100, TimeSpan.FromHours(1), new FakeTimeProvider());
        for (var i = 0; i < 10_000; i++)
        {
            set.TryAdd("k" + i);
        }

        Assert.Equal(100, set.Count);
    }
}
