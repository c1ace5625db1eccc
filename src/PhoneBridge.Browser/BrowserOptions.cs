using System.ComponentModel.DataAnnotations;

namespace PhoneBridge.Browser;

/// <summary>Browser calls and listen-in (configuration section <c>PhoneBridge:Browser</c>), validated on start.</summary>
public sealed class BrowserOptions : IValidatableObject
{
    public const string SectionName = "PhoneBridge:Browser";

    /// <summary>Off: <c>/browser/*</c> and <c>/calls/{callId}/listen</c> are not mapped (404).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Browser calls at once; one more is refused with 503.</summary>
    [Range(1, 10_000)]
    public int MaxCalls { get; set; } = 20;

    /// <summary>Largest SDP offer accepted, in bytes (a browser's audio offer is 2–6 kB); a bigger body is refused with 413.</summary>
    [Range(1024, 256 * 1024)]
    public int MaxSdpBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// The PCM rate of a browser call through the bridge and the edge: 48000 (Opus's own rate, no resampling anywhere)
    /// or 16000 (wideband, a third of the edge's audio work).
    /// </summary>
    public int SampleRate { get; set; } = 48000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SampleRate is not (16000 or 48000))
        {
            yield return new ValidationResult($"PhoneBridge:Browser:SampleRate must be 16000 or 48000, got {SampleRate}.", [nameof(SampleRate)]);
        }
    }
}
