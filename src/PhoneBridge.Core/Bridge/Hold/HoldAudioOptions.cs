namespace PhoneBridge.Core.Bridge.Hold;

/// <summary>What a caller on hold hears (section <c>PhoneBridge:Hold</c>).</summary>
public sealed class HoldAudioOptions
{
    public const string SectionName = "PhoneBridge:Hold";

    /// <summary>
    /// A WAV file (PCM, IEEE float or G.711 μ-law/A-law, any rate, mono or more channels) played in a loop to a held caller, mixed to
    /// mono and resampled to the call's rate. Unset: the built-in chime.
    /// </summary>
    public string? AudioFile { get; set; }
}
