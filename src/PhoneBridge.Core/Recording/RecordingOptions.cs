namespace PhoneBridge.Core.Recording;

/// <summary>Call recording (section <c>PhoneBridge:Recording</c>). Off unless enabled or asked for per call.</summary>
public sealed class RecordingOptions
{
    public const string SectionName = "PhoneBridge:Recording";

    /// <summary>Record every call from the moment its media starts.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Where the <c>{callId}.wav</c> and <c>{callId}.json</c> files go; created at start when missing. Required when
    /// <see cref="Enabled"/>; without it, per-call recording requests are refused.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>True when a directory is configured, so recordings can be made.</summary>
    public bool IsAvailable => !string.IsNullOrWhiteSpace(Directory);
}
