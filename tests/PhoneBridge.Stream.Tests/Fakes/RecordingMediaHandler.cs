using System.Collections.Concurrent;
using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Sfu;
using PhoneBridge.Stream.Sfu.Models;

namespace PhoneBridge.Stream.Tests.Fakes;

/// <summary>
/// Stands in for the WebRTC stack in signalling tests: writes SDP in the shape a real stack does and records
/// the order of every call so the tests can assert on it.
/// </summary>
internal sealed class RecordingMediaHandler : ISfuMediaHandler
{
    // A mid other than "0" proves the client reads the mid instead of counting m-lines.
    public const string AudioMid = "3";
    public const string TrackId = "phone-audio-track";

    private int _offers;

    public ConcurrentQueue<string> Calls { get; } = new();

    public int Resets;

    public List<bool> PublisherOfferIceRestarts { get; } = [];

    public ConcurrentQueue<string> SubscriberOffers { get; } = new();

    public ConcurrentQueue<(PeerType Peer, IceCandidateInit Candidate)> RemoteCandidates { get; } = new();

    public SfuRoster? LastRoster { get; private set; }

    public ValueTask ResetAsync(IReadOnlyList<IceServerInfo> iceServers, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Resets);
        Calls.Enqueue("reset");
        return ValueTask.CompletedTask;
    }

    public ValueTask ResetKeepingPreviousAsync(IReadOnlyList<IceServerInfo> iceServers, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Resets);
        Calls.Enqueue("reset-keeping-previous");
        return ValueTask.CompletedTask;
    }

    public ValueTask ReleasePreviousAsync(CancellationToken cancellationToken)
    {
        Calls.Enqueue("release-previous");
        return ValueTask.CompletedTask;
    }

    public ValueTask<PublisherOffer> CreatePublisherOfferAsync(bool iceRestart, CancellationToken cancellationToken)
    {
        lock (PublisherOfferIceRestarts)
        {
            PublisherOfferIceRestarts.Add(iceRestart);
        }

        Calls.Enqueue(iceRestart ? "offer-restart" : "offer");
        var n = Interlocked.Increment(ref _offers);
        var sdp = "v=0\r\no=- 7 " + n + " IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE " + AudioMid + "\r\na=msid-semantic: WMS phone\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:u" + n + "\r\na=ice-pwd:pwdpwdpwdpwdpwdpwdpwdpwd" + n + "\r\n"
            + "a=mid:" + AudioMid + "\r\na=sendonly\r\na=msid:phone " + TrackId + "\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";
        IReadOnlyList<TrackInfo> tracks = [new TrackInfo { TrackId = TrackId, TrackType = TrackType.Audio, Mid = AudioMid }];
        return ValueTask.FromResult(new PublisherOffer(sdp, tracks));
    }

    public ValueTask SetPublisherAnswerAsync(string sdp, CancellationToken cancellationToken)
    {
        Calls.Enqueue("publisher-answer");
        return ValueTask.CompletedTask;
    }

    public ValueTask<string> AnswerSubscriberOfferAsync(string sdp, CancellationToken cancellationToken)
    {
        Calls.Enqueue("subscriber-offer");
        SubscriberOffers.Enqueue(sdp);
        return ValueTask.FromResult("v=0\r\no=- 9 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=recvonly\r\n");
    }

    public void AddRemoteCandidate(PeerType peer, IceCandidateInit candidate)
    {
        Calls.Enqueue("candidate-" + (peer == PeerType.Subscriber ? "subscriber" : "publisher"));
        RemoteCandidates.Enqueue((peer, candidate));
    }

    public void OnRosterChanged(SfuRoster roster) => LastRoster = roster;
}
