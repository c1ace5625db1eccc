using System.Collections.Concurrent;
using PhoneBridge.Stream.Edge;
using PhoneBridge.Stream.Sfu;
using PhoneBridge.Stream.Tests.Fakes;

namespace PhoneBridge.Stream.Tests.Edge;

/// <summary>Signalling-only media: SDP from <see cref="RecordingMediaHandler"/>, audio recorded, remote frames injectable.</summary>
internal sealed class FakeStreamMedia : IStreamMedia
{
    private readonly RecordingMediaHandler _signalling = new();

    public FakeStreamMedia(IStreamMediaSink sink, int sampleRate)
    {
        Sink = sink;
        SampleRate = sampleRate;
    }

    public IStreamMediaSink Sink { get; }

    public int SampleRate { get; }

    public SfuSession? Session { get; private set; }

    public ConcurrentQueue<short[]> Sent { get; } = new();

    public bool Disposed { get; private set; }

    public void Attach(SfuSession session) => Session = session;

    public void OnFrame(ReadOnlySpan<short> frame) => Sent.Enqueue(frame.ToArray());

    public ValueTask ResetAsync(IReadOnlyList<PhoneBridge.Stream.Coordinator.IceServerInfo> iceServers, CancellationToken cancellationToken) => _signalling.ResetAsync(iceServers, cancellationToken);

    public ValueTask<PublisherOffer> CreatePublisherOfferAsync(bool iceRestart, CancellationToken cancellationToken) => _signalling.CreatePublisherOfferAsync(iceRestart, cancellationToken);

    public ValueTask SetPublisherAnswerAsync(string sdp, CancellationToken cancellationToken) => _signalling.SetPublisherAnswerAsync(sdp, cancellationToken);

    public ValueTask<string> AnswerSubscriberOfferAsync(string sdp, CancellationToken cancellationToken) => _signalling.AnswerSubscriberOfferAsync(sdp, cancellationToken);

    public void AddRemoteCandidate(PhoneBridge.Stream.Sfu.Models.PeerType peer, IceCandidateInit candidate) => _signalling.AddRemoteCandidate(peer, candidate);

    public void OnRosterChanged(SfuRoster roster) => _signalling.OnRosterChanged(roster);

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

internal sealed class FakeStreamMediaFactory : IStreamMediaFactory
{
    public ConcurrentQueue<FakeStreamMedia> Created { get; } = new();

    public IStreamMedia Create(string callId, int sampleRate, IStreamMediaSink sink)
    {
        var media = new FakeStreamMedia(sink, sampleRate);
        Created.Enqueue(media);
        return media;
    }
}
