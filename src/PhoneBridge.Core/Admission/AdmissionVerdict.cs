namespace PhoneBridge.Core.Admission;

/// <summary>What <see cref="CallAdmission.Admit"/> says about a new call.</summary>
public enum AdmissionVerdict
{
    Admitted,

    /// <summary><see cref="AdmissionOptions.MaxCalls"/> reached: refuse as busy.</summary>
    TooManyCalls,

    /// <summary>Over <see cref="AdmissionOptions.MaxCpuPercent"/>: refuse as busy.</summary>
    CpuTooHigh,

    /// <summary>The instance is draining: 503 with <c>Retry-After</c>, so the request goes elsewhere.</summary>
    Draining,
}
