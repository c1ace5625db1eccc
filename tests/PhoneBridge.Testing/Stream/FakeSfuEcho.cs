using System.Collections.Concurrent;
using PhoneBridge.Rtc.Media;

namespace PhoneBridge.Testing.Stream;

/// <summary>What the fake SFU does with each decoded frame a client publishes.</summary>
internal delegate void ClientFrameHandler(FakeStream.FakeSession session, ReadOnlySpan<short> pcm);

/// <summary>
/// Echo mode of the media fake: every remote participant forwarded to a client carries that client's own audio
/// back (an agent that repeats the caller) instead of the tone, so a caller hears itself through the whole path.
/// </summary>
internal sealed partial class FakeStream
{
    private readonly ConcurrentDictionary<FakeSession, List<LocalAudioTrack>> _echoTracks = new();

    /// <summary>With <see cref="Media"/>: forwarded tracks echo the subscriber's own published audio.</summary>
    public bool EchoClientAudio { get; set; }

    /// <summary>
    /// Rate the fake decodes and re-encodes the echo at (8000, 16000 or 48000); below 48 kHz the fake's own Opus work
    /// shrinks, which matters when it shares a small machine with the server it measures.
    /// </summary>
    public int EchoSampleRate { get; set; } = 48000;

    internal int MediaRate => EchoClientAudio ? EchoSampleRate : 48000;

    /// <summary>Raised on the media thread for every frame a client publishes, decoded at 48 kHz (echo mode: <see cref="EchoSampleRate"/>).</summary>
    public event ClientFrameHandler? ClientFrameReceived;

    internal bool StartEcho(FakeSession s, List<LocalAudioTrack> tracks)
    {
        if (!EchoClientAudio)
        {
            return false;
        }

        _echoTracks[s] = tracks;
        return true;
    }

    internal void OnClientFrame(FakeSession s, ReadOnlySpan<short> pcm)
    {
        ClientFrameReceived?.Invoke(s, pcm);
        if (!EchoClientAudio || !_echoTracks.TryGetValue(s, out var tracks))
        {
            return;
        }

        // The track queues the frame; its sender encodes and sends it, as it would the tone.
        foreach (var track in tracks)
        {
            track.WriteFrame(pcm);
        }
    }
}
