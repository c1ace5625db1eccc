using PhoneBridge.Rtc;
using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Stream.Tests.Fakes;

/// <summary>
/// Real media for the fake SFU, on the project's own WebRTC stack: it answers publisher offers and receives the
/// client's Opus, and offers each subscriber one send-only track per forwarded participant, with the SFU's msid
/// stream id format, carrying a 440 Hz tone as the remote participant's voice.
/// </summary>
internal sealed partial class FakeStream
{
    private readonly List<PeerConnection> _mediaPcs = [];
    private readonly CancellationTokenSource _mediaStop = new();

    /// <summary>When set, the fake SFU runs real peer connections (and sends a tone) instead of text-only SDP.</summary>
    public PeerConnectionFactory? Media { get; set; }

    private async Task<string> AnswerPublisherAsync(FakeSession s, string offer)
    {
        var pc = s.PublisherPc;
        if (pc is null)
        {
            pc = Media!.Create();
            pc.DefaultReceiveSampleRate = MediaRate;
            pc.RemoteTrackAdded += track => track.FrameReceived += pcm =>
            {
                if (Peak(pcm) > 1000)
                {
                    Interlocked.Increment(ref s.AudibleFramesFromClient);
                }

                OnClientFrame(s, pcm);
            };
            s.PublisherPc = pc;
            lock (_mediaPcs)
            {
                _mediaPcs.Add(pc);
            }
        }

        await pc.SetRemoteDescriptionAsync(new RtcSessionDescription(RtcSdpType.Offer, offer), CancellationToken.None).ConfigureAwait(false);
        var answer = await pc.CreateAnswerAsync(CancellationToken.None).ConfigureAwait(false);
        pc.SetLocalDescription(answer);
        return pc.LocalDescription!.Sdp;
    }

    private async Task<string> MediaOfferAsync(FakeSession s, IReadOnlyList<string> prefixes)
    {
        if (s.SubscriberPc is not null)
        {
            throw new NotSupportedException("The media fake negotiates the subscriber once.");
        }

        var pc = Media!.Create();
        var tracks = prefixes.Select((p, i) => pc.AddAudioTrack(MediaDirection.SendOnly, MediaRate, Guid.NewGuid().ToString(), $"{p}:TRACK_TYPE_AUDIO:s{i}")).ToList();
        s.SubscriberPc = pc;
        lock (_mediaPcs)
        {
            _mediaPcs.Add(pc);
        }

        var offer = await pc.CreateOfferAsync(CancellationToken.None).ConfigureAwait(false);
        pc.SetLocalDescription(offer);
        if (!StartEcho(s, tracks))
        {
            _ = Task.Run(() => PlayToneAsync(tracks, _mediaStop.Token));
        }

        return pc.LocalDescription!.Sdp;
    }

    private static async Task PlayToneAsync(List<LocalAudioTrack> tracks, CancellationToken ct)
    {
        var frame = new short[960];
        long n = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                for (var i = 0; i < frame.Length; i++, n++)
                {
                    frame[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * n / 48000.0));
                }

                foreach (var track in tracks)
                {
                    track.WriteFrame(frame);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task DisposeMediaAsync()
    {
        await _mediaStop.CancelAsync().ConfigureAwait(false);
        List<PeerConnection> pcs;
        lock (_mediaPcs)
        {
            pcs = [.. _mediaPcs];
        }

        foreach (var pc in pcs)
        {
            await pc.DisposeAsync().ConfigureAwait(false);
        }

        _mediaStop.Dispose();
    }

    internal static int Peak(ReadOnlySpan<short> pcm)
    {
        var peak = 0;
        foreach (var s in pcm)
        {
            peak = Math.Max(peak, Math.Abs((int)s));
        }

        return peak;
    }
}
