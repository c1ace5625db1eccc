using PhoneBridge.Audio;

namespace PhoneBridge.Core.Phone;

/// <summary>Wire encodings a telephony provider (or a browser) streams to us.</summary>
public enum PhoneEncoding
{
    /// <summary>G.711 μ-law (PCMU), 8 kHz.</summary>
    MuLaw,

    /// <summary>G.711 A-law (PCMA), 8 kHz.</summary>
    ALaw,

    /// <summary>Linear 16-bit PCM, big-endian (network order), usually 16 kHz.</summary>
    L16,

    /// <summary>Opus over WebRTC (the browser provider); the RTC stack decodes it to PCM at the call's rate.</summary>
    Opus,
}

/// <summary>The negotiated phone audio format. Mono only: the PSTN has one channel.</summary>
public readonly record struct PhoneAudioFormat(PhoneEncoding Encoding, int SampleRate)
{
    public static PhoneAudioFormat MuLaw8k => new(PhoneEncoding.MuLaw, 8000);

    public static PhoneAudioFormat ALaw8k => new(PhoneEncoding.ALaw, 8000);

    public static PhoneAudioFormat L16_16k => new(PhoneEncoding.L16, 16000);

    /// <summary>Samples in one 20 ms frame, the cadence of the whole bridge.</summary>
    public int SamplesPerFrame => AudioFrame.SamplesAt(SampleRate);
}
