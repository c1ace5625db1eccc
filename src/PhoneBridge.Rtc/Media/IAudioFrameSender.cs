namespace PhoneBridge.Rtc.Media;

/// <summary>What a <see cref="LocalAudioTrack"/> hands its frames to once its connection is secured.</summary>
internal interface IAudioFrameSender
{
    /// <summary>Encodes, packetizes, protects and sends one 20 ms frame on the calling thread; false if it was not sent.</summary>
    bool Send(ReadOnlySpan<short> pcm20ms);
}
