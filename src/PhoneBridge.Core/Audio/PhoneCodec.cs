using PhoneBridge.Audio;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Audio;

/// <summary>Wire payload ↔ PCM16 for the encodings telephony providers stream.</summary>
public static class PhoneCodec
{
    /// <summary>Bytes one sample takes on the wire.</summary>
    public static int BytesPerSample(PhoneEncoding encoding) => encoding switch
    {
        PhoneEncoding.MuLaw or PhoneEncoding.ALaw => 1,
        PhoneEncoding.L16 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown phone encoding."),
    };

    /// <summary>Decodes a wire payload into PCM16; returns the number of samples written.</summary>
    public static int Decode(PhoneEncoding encoding, ReadOnlySpan<byte> payload, Span<short> pcm) => encoding switch
    {
        PhoneEncoding.MuLaw => G711.MuLawDecode(payload, pcm),
        PhoneEncoding.ALaw => G711.ALawDecode(payload, pcm),
        PhoneEncoding.L16 => L16.DecodeBigEndian(payload, pcm),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown phone encoding."),
    };

    /// <summary>Encodes PCM16 into a wire payload; returns the number of bytes written.</summary>
    public static int Encode(PhoneEncoding encoding, ReadOnlySpan<short> pcm, Span<byte> payload) => encoding switch
    {
        PhoneEncoding.MuLaw => G711.MuLawEncode(pcm, payload),
        PhoneEncoding.ALaw => G711.ALawEncode(pcm, payload),
        PhoneEncoding.L16 => L16.EncodeBigEndian(pcm, payload),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown phone encoding."),
    };
}
