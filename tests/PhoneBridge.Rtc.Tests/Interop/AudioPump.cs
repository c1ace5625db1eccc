using System.Diagnostics;
using PhoneBridge.Rtc.Media;

namespace PhoneBridge.Rtc.Tests.Interop;

/// <summary>Feeds a looping signal into a local track in real time (20 ms frames) until cancelled.</summary>
internal static class AudioPump
{
    public static async Task RunAsync(LocalAudioTrack track, short[] signal, CancellationToken ct)
    {
        var frame = track.FrameSize;
        var position = 0;
        long written = 0;
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                // Catch up on ticks a busy machine skipped, like a real media source would.
                var due = (clock.ElapsedMilliseconds / 20) + 1;
                for (; written < due; written++)
                {
                    if (position + frame > signal.Length)
                    {
                        position = 0;
                    }

                    track.WriteFrame(signal.AsSpan(position, frame));
                    position += frame;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
