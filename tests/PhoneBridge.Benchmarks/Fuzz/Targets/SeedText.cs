using System.Text;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>Helpers to build seed corpora.</summary>
internal static class SeedText
{
    public static byte[][] Utf8(params string[] messages) => [.. messages.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Base64 of one 20 ms μ-law frame of a 440 Hz tone, as Twilio and Telnyx send it.</summary>
    public static string MuLawFrameBase64(int samples = 160)
    {
        var pcm = new short[samples];
        for (int i = 0; i < samples; i++)
        {
            pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000.0));
        }

        var mulaw = new byte[samples];
        G711.MuLawEncode(pcm, mulaw);
        return Convert.ToBase64String(mulaw);
    }
}

/// <summary>A phone-stream consumer that takes everything and does nothing.</summary>
internal sealed class NullPhoneStreamHandler : PhoneBridge.Core.Phone.IPhoneStreamHandler, IAudioFrameSink
{
    public IAudioFrameSink CallerAudio => this;

    public void OnStarted(PhoneBridge.Core.Phone.PhoneStreamStart start)
    {
    }

    public void OnFrame(ReadOnlySpan<short> pcm)
    {
    }

    public void OnDtmf(char digit)
    {
    }

    public void OnMark(string name)
    {
    }
}
