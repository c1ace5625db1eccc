using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Rtc.Tests.Media;

public class LocalAudioTrackTests
{
    [Fact]
    public void Frames_written_before_a_sender_is_attached_are_counted_as_dropped()
    {
        using var track = new LocalAudioTrack(MediaDirection.SendOnly, 8000, "t", "s");
        var frame = new short[160];

        for (short i = 0; i < 12; i++)
        {
            Assert.True(track.WriteFrame(frame));
        }

        Assert.Equal(12, track.FramesWritten);
        Assert.Equal(12, track.FramesDropped);
    }

    [Fact]
    public void An_attached_sender_gets_every_frame_in_order_on_the_writers_thread_until_detached()
    {
        using var track = new LocalAudioTrack(MediaDirection.SendRecv, 8000, "t", "s");
        var sender = new RecordingSender();
        var frame = new short[160];
        track.Attach(sender);

        for (short i = 0; i < 5; i++)
        {
            frame[0] = i;
            Assert.True(track.WriteFrame(frame));
        }

        track.Detach(sender);
        Assert.True(track.WriteFrame(frame));

        Assert.Equal([0, 1, 2, 3, 4], sender.FirstSamples);
        Assert.All(sender.Threads, id => Assert.Equal(Environment.CurrentManagedThreadId, id));
        Assert.Equal(6, track.FramesWritten);
        Assert.Equal(1, track.FramesDropped);
    }

    [Fact]
    public void A_frame_the_sender_could_not_send_is_counted_as_dropped()
    {
        using var track = new LocalAudioTrack(MediaDirection.SendOnly, 8000, "t", "s");
        track.Attach(new RecordingSender { Accept = false });

        Assert.True(track.WriteFrame(new short[160]));

        Assert.Equal(1, track.FramesDropped);
    }

    [Fact]
    public void Wrong_frame_size_and_bad_arguments_are_rejected()
    {
        using var track = new LocalAudioTrack(MediaDirection.SendRecv, 16000, "t", "s");
        Assert.Throws<ArgumentException>(() => track.WriteFrame(new short[160]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LocalAudioTrack(MediaDirection.SendOnly, 44100, "t", "s"));
        Assert.Throws<ArgumentException>(() => new LocalAudioTrack(MediaDirection.SendOnly, 8000, "a b", "s"));
    }

    [Fact]
    public void Receive_only_or_closed_track_accepts_nothing()
    {
        using var recv = new LocalAudioTrack(MediaDirection.RecvOnly, 8000, "t", "s");
        Assert.False(recv.WriteFrame(new short[160]));
        var send = new LocalAudioTrack(MediaDirection.SendOnly, 8000, "t", "s");
        var sender = new RecordingSender();
        send.Attach(sender);
        send.Dispose();
        Assert.False(send.WriteFrame(new short[160]));
        send.Attach(sender);
        Assert.False(send.WriteFrame(new short[160]));
        Assert.Empty(sender.FirstSamples);
    }

    private sealed class RecordingSender : IAudioFrameSender
    {
        public bool Accept { get; init; } = true;

        public List<short> FirstSamples { get; } = [];

        public List<int> Threads { get; } = [];

        public bool Send(ReadOnlySpan<short> pcm20ms)
        {
            FirstSamples.Add(pcm20ms[0]);
            Threads.Add(Environment.CurrentManagedThreadId);
            return Accept;
        }
    }
}
