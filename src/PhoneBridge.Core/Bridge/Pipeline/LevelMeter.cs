namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>
/// Measures each passing frame's RMS level (0 to 1 of full scale) and stores it, for the dashboard's meters: one
/// pass of multiply-adds over the frame and a plain store, nothing allocated. The first frame is also announced
/// once (the call's "first audio" in its timeline).
/// </summary>
internal sealed class LevelMeter(string name, Action<float> store, Action? firstFrame = null) : AudioStage
{
    private Action? _firstFrame = firstFrame;

    public override string Name { get; } = name;

    public override void OnFrame(ReadOnlySpan<short> frame)
    {
        if (_firstFrame is { } first)
        {
            _firstFrame = null;
            first();
        }

        store(Rms(frame));
        Next.OnFrame(frame);
    }

    /// <summary>Root mean square of the samples over full scale: 0 for silence, about 0.707 for a full-scale sine.</summary>
    internal static float Rms(ReadOnlySpan<short> frame)
    {
        if (frame.IsEmpty)
        {
            return 0f;
        }

        // 160-960 samples of at most 2^30 each: the sum fits a long with room to spare.
        long sum = 0;
        foreach (var sample in frame)
        {
            sum += sample * sample;
        }

        return (float)(Math.Sqrt((double)sum / frame.Length) / 32768.0);
    }
}
