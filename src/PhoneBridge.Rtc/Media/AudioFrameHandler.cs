namespace PhoneBridge.Rtc.Media;

/// <summary>Receives one decoded PCM16 frame (mono, at the track's rate). The span is only valid during the call.</summary>
public delegate void AudioFrameHandler(ReadOnlySpan<short> pcm);
