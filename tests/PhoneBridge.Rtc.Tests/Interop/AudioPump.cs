using PhoneBridge.Rtc.Media;

namespace PhoneBridge.Rtc.Tests.Interop;

/// <summary>Feeds a signal into a local track in real time (20 ms frames, looping) until cancelled.</summary>
internal static class AudioPump
{
    public static async Task RunAsync(LocalAudioTrack track, short[] signal, CancellationToken ct)
    {
        var frame = track.FrameSize;
        var position = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                if (position + frame > signal.Length)
                {
                    position = 0;
                }

                track.WriteFrame(signal.AsSpan(position, frame));
                position += frame;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
