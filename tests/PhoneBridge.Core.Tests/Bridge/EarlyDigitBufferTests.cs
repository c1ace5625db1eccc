using PhoneBridge.Core.Bridge;

namespace PhoneBridge.Core.Tests.Bridge;

public class EarlyDigitBufferTests
{
    [Fact]
    public void Digits_before_live_are_held_in_order_and_delivered_at_go_live_then_sent_straight()
    {
        var buffer = new EarlyDigitBuffer();
        var session = new FakeEdgeSession(null!);

        Assert.True(buffer.Send('1'));
        Assert.True(buffer.Send('#'));
        Assert.False(session.Digits.Reader.TryPeek(out _));

        buffer.GoLive(session);
        Assert.True(buffer.Send('9'));

        Assert.Equal(['1', '#', '9'], Drain(session));
    }

    [Fact]
    public void Holds_at_most_its_capacity_and_reports_each_dropped_digit()
    {
        var buffer = new EarlyDigitBuffer();
        var session = new FakeEdgeSession(null!);

        for (var i = 0; i < EarlyDigitBuffer.Capacity; i++)
        {
            Assert.True(buffer.Send((char)('0' + (i % 10))));
        }

        Assert.False(buffer.Send('*'));
        buffer.GoLive(session);

        Assert.Equal(Enumerable.Range(0, EarlyDigitBuffer.Capacity).Select(i => (char)('0' + (i % 10))), Drain(session));
    }

    [Fact]
    public void After_release_digits_no_longer_reach_the_session()
    {
        var buffer = new EarlyDigitBuffer();
        var session = new FakeEdgeSession(null!);
        buffer.GoLive(session);

        buffer.Release();
        Assert.True(buffer.Send('5'));

        Assert.Empty(Drain(session));
    }

    private static List<char> Drain(FakeEdgeSession session)
    {
        var digits = new List<char>();
        while (session.Digits.Reader.TryRead(out var digit))
        {
            digits.Add(digit);
        }

        return digits;
    }
}
