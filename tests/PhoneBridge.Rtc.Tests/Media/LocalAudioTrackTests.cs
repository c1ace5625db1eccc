using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Rtc.Tests.Media;

public class LocalAudioTrackTests
{
    [Fact]
    public void WriteFrame_never_blocks_and_drops_the_oldest_frames()
    {
        using var track = new LocalAudioTrack(MediaDirection.SendOnly, 8000, "t", "s");
        var frame = new short[160];

        for (short i = 0; i < 12; i++)
        {
            frame[0] = i;
            Assert.True(track.WriteFrame(frame));
        }

        Assert.Equal(12, track.FramesWritten);
        Assert.Equal(12 - LocalAudioTrack.QueueFrames, track.FramesDropped);
        Assert.True(track.Frames.TryRead(out var oldest));
        Assert.Equal(12 - LocalAudioTrack.QueueFrames, oldest[0]);
        LocalAudioTrack.Release(oldest);
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
        send.WriteFrame(new short[160]);
        send.Dispose();
        Assert.False(send.WriteFrame(new short[160]));
        Assert.False(send.Frames.TryRead(out _));
    }
}
