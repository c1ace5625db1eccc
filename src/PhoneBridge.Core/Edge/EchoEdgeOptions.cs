using PhoneBridge.Audio;

namespace PhoneBridge.Core.Edge;

/// <summary>Settings of the built-in local echo edge (section <c>PhoneBridge:Echo</c>).</summary>
public sealed class EchoEdgeOptions
{
    public const string SectionName = "PhoneBridge:Echo";

    /// <summary>How long after the caller speaks the echo comes back; rounded to whole 20 ms frames.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    internal int DelayFrames => (int)Math.Round(Delay / AudioFrame.Duration, MidpointRounding.AwayFromZero);

    internal static bool IsValid(EchoEdgeOptions o) => o.Delay >= TimeSpan.Zero && o.Delay <= TimeSpan.FromSeconds(10);
}
