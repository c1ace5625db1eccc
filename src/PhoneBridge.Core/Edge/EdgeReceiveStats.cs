namespace PhoneBridge.Core.Edge;

/// <summary>
/// What an edge session measured of the audio it receives for the phone, over the whole session so far.
/// </summary>
/// <param name="JitterMs">RFC 3550 interarrival jitter of the received RTP, in ms (the worst remote track).</param>
/// <param name="PacketsLost">RTP packets expected and never received, summed over the remote tracks.</param>
/// <param name="FramesConcealed">20 ms frames the decoder had to conceal (lost or late).</param>
/// <param name="BufferDelayMs">How long the receive side holds audio before the phone gets it (jitter buffer target), in ms.</param>
public readonly record struct EdgeReceiveStats(double JitterMs, long PacketsLost, long FramesConcealed, double BufferDelayMs);
