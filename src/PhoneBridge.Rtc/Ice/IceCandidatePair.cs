namespace PhoneBridge.Rtc.Ice;

/// <summary>A local/remote candidate pair as seen from outside the agent (for diagnostics and tests).</summary>
public sealed record IceCandidatePair(IceCandidate Local, IceCandidate Remote);
