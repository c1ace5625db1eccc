namespace PhoneBridge.Rtc.Ice;

/// <summary>Receives the non-STUN datagrams (DTLS, RTP, RTCP) that arrive over the selected candidate pair.</summary>
public interface IIceDataHandler
{
    /// <summary>
    /// Called on the agent's receive loop; the span is only valid during the call and the loop waits for the
    /// handler, so it must not block.
    /// </summary>
    void OnData(ReadOnlySpan<byte> datagram);
}
