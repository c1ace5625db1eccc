using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Simulator;

public class PlayoutBufferTests
{
    private const long Frequency = 1_000_000; // one tick per microsecond
    private const long Ms = 1000;

    [Fact]
    public void MarkWithNothingBufferedComesBackAtOnce()
    {
        var buffer = new PlayoutBuffer(Frequency);
        Assert.True(buffer.AddMark("m", 0));
        Assert.Equal(0, buffer.PendingMarks);
    }

    [Fact]
    public void MarkComesBackWhenTheAudioBeforeItHasPlayed()
    {
        var buffer = new PlayoutBuffer(Frequency);
        buffer.Enqueue(1600, 0); // 200 ms of μ-law
        Assert.False(buffer.AddMark("after-200ms", 10 * Ms));
        var due = new List<string>();

        buffer.TakeDue(199 * Ms, due);
        Assert.Empty(due);
        Assert.Equal(TimeSpan.FromMilliseconds(1), buffer.Buffered(199 * Ms));

        buffer.TakeDue(200 * Ms, due);
        Assert.Equal(["after-200ms"], due);
    }

    [Fact]
    public void AudioArrivingAfterAGapStartsPlayingWhenItArrives()
    {
        var buffer = new PlayoutBuffer(Frequency);
        buffer.Enqueue(160, 0);
        buffer.Enqueue(160, 100 * Ms); // the first 20 ms finished long ago
        Assert.Equal(TimeSpan.FromMilliseconds(20), buffer.Buffered(100 * Ms));
    }

    [Fact]
    public void MarksKeepTheirOrder()
    {
        var buffer = new PlayoutBuffer(Frequency);
        buffer.Enqueue(160, 0);
        Assert.False(buffer.AddMark("a", 0));
        Assert.False(buffer.AddMark("b", 0)); // queued behind "a" even though no audio separates them
        var due = new List<string>();
        buffer.TakeDue(20 * Ms, due);
        Assert.Equal(["a", "b"], due);
    }

    [Fact]
    public void ClearReturnsEveryPendingMarkAndEmptiesTheBuffer()
    {
        var buffer = new PlayoutBuffer(Frequency);
        buffer.Enqueue(8000, 0);
        buffer.AddMark("one", 0);
        buffer.Enqueue(8000, 0);
        buffer.AddMark("two", 0);
        var cleared = new List<string>();

        buffer.Clear(5 * Ms, cleared);

        Assert.Equal(["one", "two"], cleared);
        Assert.Equal(TimeSpan.Zero, buffer.Buffered(5 * Ms));
        Assert.True(buffer.AddMark("three", 5 * Ms));
    }
}
