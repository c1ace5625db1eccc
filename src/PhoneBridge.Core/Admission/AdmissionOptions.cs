namespace PhoneBridge.Core.Admission;

/// <summary>
/// Limits on new calls (section <c>PhoneBridge:Admission</c>); each unset means no limit. Above one, a new inbound
/// call is refused as busy and <c>POST /calls</c> answers 503, so the caller's provider or a load balancer can try
/// elsewhere instead of the calls already here losing audio.
/// </summary>
public sealed class AdmissionOptions
{
    public const string SectionName = "PhoneBridge:Admission";

    /// <summary>Calls of this instance (ringing or answered, either direction) above which new ones are refused.</summary>
    public int? MaxCalls { get; set; }

    /// <summary>
    /// The process's CPU over <see cref="CpuWindow"/>, in percent of the whole machine (all cores: 100), above which
    /// new calls are refused.
    /// </summary>
    public double? MaxCpuPercent { get; set; }

    /// <summary>How far back the CPU figure reaches: long enough to smooth a garbage collection, short enough to react.</summary>
    public TimeSpan CpuWindow { get; set; } = TimeSpan.FromSeconds(5);

    internal static bool IsValid(AdmissionOptions options) =>
        options.MaxCalls is null or > 0
        && (options.MaxCpuPercent is null || options.MaxCpuPercent is > 0 and <= 100)
        && options.CpuWindow >= TimeSpan.FromSeconds(1) && options.CpuWindow <= TimeSpan.FromMinutes(1);
}
