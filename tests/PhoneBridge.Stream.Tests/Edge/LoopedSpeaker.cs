using PhoneBridge.Audio;

namespace PhoneBridge.Stream.Tests.Edge;

/// <summary>Plays a signal in a loop into a session, one frame every 20 ms, until cancelled: a caller who keeps talking.</summary>
internal static class LoopedSpeaker
{
    public static async Task SpeakAsync(IAudioFrameSink session, short[] signal, int rate, Action? spoke, CancellationToken cancellationToken)
    {
        var frame = new short[AudioFrame.SamplesAt(rate)];
        using var timer = new PeriodicTimer(AudioFrame.Duration);
        long n = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                for (var i = 0; i < frame.Length; i++, n++)
                {
                    frame[i] = signal[n % signal.Length];
                }

                session.OnFrame(frame);
                spoke?.Invoke();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
