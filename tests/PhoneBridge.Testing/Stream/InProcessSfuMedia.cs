using PhoneBridge.Audio;
using PhoneBridge.Rtc;
using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Testing.Stream;

/// <summary>
/// Real media for the fake SFU, on the project's own WebRTC stack: it answers publisher offers and counts the
/// client's audible frames, and offers each subscriber one send-only track per forwarded participant carrying a
/// 440 Hz tone as that participant's voice, or in echo mode (<see cref="FakeStream.EchoClientAudio"/>) the
/// subscriber's own audio. No relay between participants; negotiates each subscriber once.
/// </summary>
internal sealed class InProcessSfuMedia(PeerConnectionFactory factory, FakeStream owner) : IFakeSfuMedia
{
    private readonly List<PeerConnection> _pcs = [];
    private readonly CancellationTokenSource _stop = new();

    public PeerConnectionFactory Factory { get; } = factory;

    public async Task<string> AnswerPublisherAsync(FakeStream.FakeSession s, string offer)
    {
        var pc = s.PublisherPc;
        if (pc is null)
        {
            pc = Factory.Create();
            pc.DefaultReceiveSampleRate = owner.MediaRate;
            pc.RemoteTrackAdded += track => track.Sink = new FrameSink(pcm =>
            {
                if (FakeStream.Peak(pcm) > 1000)
                {
                    Interlocked.Increment(ref s.AudibleFramesFromClient);
                }

                owner.OnClientFrame(s, pcm);
            });
            s.PublisherPc = pc;
            Track(pc);
        }

        await pc.SetRemoteDescriptionAsync(new RtcSessionDescription(RtcSdpType.Offer, offer), CancellationToken.None).ConfigureAwait(false);
        var answer = await pc.CreateAnswerAsync(CancellationToken.None).ConfigureAwait(false);
        pc.SetLocalDescription(answer);
        return pc.LocalDescription!.Sdp;
    }

    public async Task<string> OfferSubscriberAsync(FakeStream.FakeSession s, IReadOnlyList<ForwardedTrack> forwarded, bool iceRestart)
    {
        if (s.SubscriberPc is not null)
        {
            throw new NotSupportedException("The in-process media fake negotiates the subscriber once.");
        }

        var pc = Factory.Create();
        var tracks = forwarded.Select(f => pc.AddAudioTrack(MediaDirection.SendOnly, owner.MediaRate, f.TrackId, f.StreamId)).ToList();
        s.SubscriberPc = pc;
        Track(pc);
        var offer = await pc.CreateOfferAsync(CancellationToken.None).ConfigureAwait(false);
        pc.SetLocalDescription(offer);
        if (!owner.StartEcho(s, tracks))
        {
            _ = Task.Run(() => PlayToneAsync(tracks, _stop.Token));
        }

        return pc.LocalDescription!.Sdp;
    }

    public Task SetSubscriberAnswerAsync(FakeStream.FakeSession s, string answer) =>
        s.SubscriberPc is { } pc
            ? pc.SetRemoteDescriptionAsync(new RtcSessionDescription(RtcSdpType.Answer, answer), CancellationToken.None)
            : Task.CompletedTask;

    public async Task CloseAsync(FakeStream.FakeSession s)
    {
        foreach (var pc in new[] { s.PublisherPc, s.SubscriberPc })
        {
            if (pc is not null)
            {
                lock (_pcs)
                {
                    _pcs.Remove(pc);
                }

                await pc.DisposeAsync().ConfigureAwait(false);
            }
        }

        (s.PublisherPc, s.SubscriberPc) = (null, null);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        List<PeerConnection> pcs;
        lock (_pcs)
        {
            pcs = [.. _pcs];
            _pcs.Clear();
        }

        foreach (var pc in pcs)
        {
            await pc.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private void Track(PeerConnection pc)
    {
        lock (_pcs)
        {
            _pcs.Add(pc);
        }
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

    private sealed class FrameSink(Action<ReadOnlySpan<short>> onFrame) : IAudioFrameSink
    {
        public void OnFrame(ReadOnlySpan<short> frame) => onFrame(frame);
    }
}
