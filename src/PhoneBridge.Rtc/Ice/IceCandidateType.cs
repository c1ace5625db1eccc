namespace PhoneBridge.Rtc.Ice;

/// <summary>Candidate types of RFC 8445 §5.1.1, with the SDP token each is written as.</summary>
public enum IceCandidateType
{
    Host,
    ServerReflexive,
    PeerReflexive,
    Relayed,
}
