using Microsoft.Extensions.Logging;
using PhoneBridge.Audio;
using PhoneBridge.Core.Edge;
using PhoneBridge.Rtc;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Sdp;
using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Sfu;
using PhoneBridge.Stream.Sfu.Models;

namespace PhoneBridge.Stream.Edge;

/// <summary>
/// The phone participant's two peer connections: the publisher (we offer one send-only Opus track at the phone's
/// rate) and the subscriber (the SFU offers; remote tracks decode straight to the phone's rate).
/// </summary>
internal sealed class RtcStreamMedia : IStreamMedia
{
    private readonly PeerConnectionFactory _factory;
    private readonly IStreamMediaSink _sink;
    private readonly int _sampleRate;
    private readonly string _callId;
    private readonly ILogger _logger;
    private readonly string _trackId = Guid.NewGuid().ToString();
    private readonly string _streamId = Guid.NewGuid().ToString();
    private readonly Lock _gate = new();
    private SfuSession? _session;
    private PeerConnection? _publisher;
    private PeerConnection? _subscriber;
    private LocalAudioTrack? _track;

    // During a MIGRATE: the connections to the old SFU, carrying the call until the new ones do.
    private PeerConnection? _previousPublisher;
    private PeerConnection? _previousSubscriber;
    private LocalAudioTrack? _previousTrack;
    private volatile bool _subscriberLive;
    private bool _disposed;

    public RtcStreamMedia(PeerConnectionFactory factory, IStreamMediaSink sink, string callId, int sampleRate, ILogger logger)
    {
        _factory = factory;
        _sink = sink;
        _callId = callId;
        _sampleRate = sampleRate;
        _logger = logger;
    }

    public void Attach(SfuSession session) => _session = session;

    /// <summary>
    /// The current subscriber's remote tracks: the worst jitter and buffer delay, loss and concealment summed. Read
    /// at metrics collection, off the media path; a migration starts the counts afresh with the new subscriber.
    /// </summary>
    public EdgeReceiveStats? ReceiveStats
    {
        get
        {
            if (_subscriber is not { } subscriber)
            {
                return null;
            }

            double jitter = 0;
            double delay = 0;
            long lost = 0;
            long concealed = 0;
            var any = false;
            foreach (var track in subscriber.RemoteTracks)
            {
                var stats = track.Stats;
                if (stats.Received == 0)
                {
                    continue;
                }

                any = true;
                jitter = Math.Max(jitter, stats.JitterMs);
                delay = Math.Max(delay, stats.TargetDelayMs);
                lost += track.PacketsLost;
                concealed += stats.Concealed;
            }

            return any ? new EdgeReceiveStats(jitter, lost, concealed, delay) : null;
        }
    }

    public void OnFrame(ReadOnlySpan<short> pcm)
    {
        var track = _track;
        if (track is null)
        {
            return;
        }

        // The track takes whole 20 ms frames; the phone side hands us exactly that cadence.
        var frame = track.FrameSize;
        var previous = _previousTrack;
        for (var offset = 0; offset + frame <= pcm.Length; offset += frame)
        {
            track.OnFrame(pcm.Slice(offset, frame));
            previous?.OnFrame(pcm.Slice(offset, frame));
        }
    }

    public ValueTask ResetAsync(IReadOnlyList<IceServerInfo> iceServers, CancellationToken cancellationToken) =>
        ResetCoreAsync(iceServers, keepPrevious: false);

    public ValueTask ResetKeepingPreviousAsync(IReadOnlyList<IceServerInfo> iceServers, CancellationToken cancellationToken) =>
        ResetCoreAsync(iceServers, keepPrevious: true);

    public async ValueTask ReleasePreviousAsync(CancellationToken cancellationToken)
    {
        PeerConnection? publisher;
        PeerConnection? subscriber;
        lock (_gate)
        {
            (publisher, subscriber) = (_previousPublisher, _previousSubscriber);
            (_previousPublisher, _previousSubscriber, _previousTrack) = (null, null, null);
        }

        await DisposeQuietlyAsync(publisher).ConfigureAwait(false);
        await DisposeQuietlyAsync(subscriber).ConfigureAwait(false);
    }

    private async ValueTask ResetCoreAsync(IReadOnlyList<IceServerInfo> iceServers, bool keepPrevious)
    {
        var servers = iceServers
            .Where(s => s.Urls is { Count: > 0 })
            .Select(s => new IceServer(s.Urls, s.Username, s.Password))
            .ToList();
        var publisher = _factory.Create(servers);
        var subscriber = _factory.Create(servers);
        subscriber.DefaultReceiveSampleRate = _sampleRate;
        var track = publisher.AddAudioTrack(MediaDirection.SendOnly, _sampleRate, _trackId, _streamId);
        Wire(publisher, PeerType.PublisherUnspecified);
        Wire(subscriber, PeerType.Subscriber);
        subscriber.RemoteTrackAdded += remote => OnRemoteTrack(subscriber, remote);

        var released = new List<PeerConnection?>(4);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (keepPrevious && _previousPublisher is null && _publisher is not null)
            {
                (_previousPublisher, _previousSubscriber, _previousTrack) = (_publisher, _subscriber, _track);
            }
            else
            {
                // A retried migration replaces only the unused new connections; anything else ends the old ones too.
                released.Add(_publisher);
                released.Add(_subscriber);
                if (!keepPrevious)
                {
                    released.Add(_previousPublisher);
                    released.Add(_previousSubscriber);
                    (_previousPublisher, _previousSubscriber, _previousTrack) = (null, null, null);
                }
            }

            (_publisher, _subscriber, _track) = (publisher, subscriber, track);
            _subscriberLive = false;
        }

        foreach (var pc in released)
        {
            await DisposeQuietlyAsync(pc).ConfigureAwait(false);
        }
    }

    public async ValueTask<PublisherOffer> CreatePublisherOfferAsync(bool iceRestart, CancellationToken cancellationToken)
    {
        var publisher = _publisher ?? throw new InvalidOperationException("Media not reset.");
        if (iceRestart && publisher.RemoteDescription is not null)
        {
            publisher.RestartIce();
        }

        var offer = await publisher.CreateOfferAsync(cancellationToken).ConfigureAwait(false);
        publisher.SetLocalDescription(offer);

        // The mid is known only once the offer is applied; the SFU correlates tracks by it.
        var track = _track!;
        var info = new TrackInfo { TrackId = track.TrackId, TrackType = TrackType.Audio, Mid = track.Mid ?? "0" };
        return new PublisherOffer(publisher.LocalDescription?.Sdp ?? offer.Sdp, [info]);
    }

    public async ValueTask SetPublisherAnswerAsync(string sdp, CancellationToken cancellationToken)
    {
        var publisher = _publisher ?? throw new InvalidOperationException("Media not reset.");
        await publisher.SetRemoteDescriptionAsync(new RtcSessionDescription(RtcSdpType.Answer, sdp), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<string> AnswerSubscriberOfferAsync(string sdp, CancellationToken cancellationToken)
    {
        var subscriber = _subscriber ?? throw new InvalidOperationException("Media not reset.");
        await subscriber.SetRemoteDescriptionAsync(new RtcSessionDescription(RtcSdpType.Offer, sdp), cancellationToken).ConfigureAwait(false);
        var answer = await subscriber.CreateAnswerAsync(cancellationToken).ConfigureAwait(false);
        subscriber.SetLocalDescription(answer);
        return subscriber.LocalDescription?.Sdp ?? answer.Sdp;
    }

    public void AddRemoteCandidate(PeerType peer, IceCandidateInit candidate)
    {
        var pc = peer == PeerType.Subscriber ? _subscriber : _publisher;
        try
        {
            pc?.AddIceCandidate(candidate.Candidate);
        }
        catch (InvalidOperationException e)
        {
            RtcStreamMediaLog.CandidateRejected(_logger, _callId, e.Message);
        }
    }

    public void OnRosterChanged(SfuRoster roster)
    {
        // Remote tracks are keyed by their msid stream id, which already names the participant's lookup prefix.
    }

    public async ValueTask DisposeAsync()
    {
        PeerConnection?[] pcs;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pcs = [_publisher, _subscriber, _previousPublisher, _previousSubscriber];
            (_publisher, _subscriber, _track) = (null, null, null);
            (_previousPublisher, _previousSubscriber, _previousTrack) = (null, null, null);
        }

        foreach (var pc in pcs)
        {
            await DisposeQuietlyAsync(pc).ConfigureAwait(false);
        }
    }

    private void Wire(PeerConnection pc, PeerType peer)
    {
        pc.LocalCandidate += candidate =>
        {
            if (candidate is not null && ReferenceEquals(pc, peer == PeerType.Subscriber ? _subscriber : _publisher))
            {
                _session?.SendLocalCandidate(peer, new IceCandidateInit(candidate.ToSdpAttribute(), null, 0, candidate.UsernameFragment));
            }
        };
        pc.StateChanged += state =>
        {
            if (state == PeerConnectionState.Failed && ReferenceEquals(pc, peer == PeerType.Subscriber ? _subscriber : _publisher))
            {
                RtcStreamMediaLog.PeerFailed(_logger, _callId, peer.ToString());
                _session?.ReportPeerFailure(peer, "connection failed");
            }
        };
    }

    private void OnRemoteTrack(PeerConnection subscriber, RemoteAudioTrack track)
    {
        var key = track.StreamId ?? "mid:" + track.Mid;
        track.Sink = new MigrationGate(this, subscriber, _sink.RemoteTrack(key));
    }

    /// <summary>
    /// Passes a remote track's frames on while its subscriber is the one that plays: while migrating, the old SFU's
    /// audio plays until the new SFU's first frame; then only the new one's.
    /// </summary>
    private sealed class MigrationGate(RtcStreamMedia media, PeerConnection subscriber, IAudioFrameSink next) : IAudioFrameSink
    {
        public void OnFrame(ReadOnlySpan<short> frame)
        {
            if (ReferenceEquals(subscriber, media._subscriber))
            {
                media._subscriberLive = true;
                next.OnFrame(frame);
            }
            else if (!media._subscriberLive && ReferenceEquals(subscriber, media._previousSubscriber))
            {
                next.OnFrame(frame);
            }
        }
    }

    private async Task DisposeQuietlyAsync(PeerConnection? pc)
    {
        if (pc is null)
        {
            return;
        }

        try
        {
            await pc.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            RtcStreamMediaLog.DisposeFailed(_logger, _callId, e.Message);
        }
    }
}

/// <summary>Creates <see cref="RtcStreamMedia"/> on the process's <see cref="PeerConnectionFactory"/>.</summary>
internal sealed class RtcStreamMediaFactory(PeerConnectionFactory factory, ILoggerFactory loggerFactory) : IStreamMediaFactory
{
    public IStreamMedia Create(string callId, int sampleRate, IStreamMediaSink sink) =>
        new RtcStreamMedia(factory, sink, callId, sampleRate, loggerFactory.CreateLogger<RtcStreamMedia>());
}
