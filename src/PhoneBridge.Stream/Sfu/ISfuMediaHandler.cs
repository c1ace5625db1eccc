using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Sfu.Models;

namespace PhoneBridge.Stream.Sfu;

/// <summary>
/// The WebRTC side of an SFU session: a publisher peer connection (we offer) and a subscriber one (the SFU
/// offers). <see cref="SfuSession"/> drives it; the handler reports local candidates and failures back through
/// <see cref="SfuSession.SendLocalCandidate"/> and <see cref="SfuSession.ReportPeerFailure"/>.
/// </summary>
public interface ISfuMediaHandler
{
    /// <summary>Creates fresh peer connections (first join, REJOIN, MIGRATE) with the credentials' ICE servers.</summary>
    ValueTask ResetAsync(IReadOnlyList<IceServerInfo> iceServers, CancellationToken cancellationToken);

    /// <summary>
    /// MIGRATE: creates fresh peer connections for the new SFU like <see cref="ResetAsync"/>, but keeps the current
    /// ones carrying audio with the old SFU until <see cref="ReleasePreviousAsync"/> (migration complete) or the
    /// next <see cref="ResetAsync"/> (migration failed, REJOIN), so the call hears no gap while the new ones connect.
    /// </summary>
    ValueTask ResetKeepingPreviousAsync(IReadOnlyList<IceServerInfo> iceServers, CancellationToken cancellationToken) =>
        ResetAsync(iceServers, cancellationToken);

    /// <summary>Closes the peer connections kept by <see cref="ResetKeepingPreviousAsync"/>, if any.</summary>
    ValueTask ReleasePreviousAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Creates and applies the publisher offer (with new ICE credentials when <paramref name="iceRestart"/>) and
    /// returns it with the tracks it announces; each track's mid is read after the local description is set.
    /// </summary>
    ValueTask<PublisherOffer> CreatePublisherOfferAsync(bool iceRestart, CancellationToken cancellationToken);

    /// <summary>Applies the SFU's answer to the publisher offer.</summary>
    ValueTask SetPublisherAnswerAsync(string sdp, CancellationToken cancellationToken);

    /// <summary>Applies an SFU offer to the subscriber connection and returns the applied local answer.</summary>
    ValueTask<string> AnswerSubscriberOfferAsync(string sdp, CancellationToken cancellationToken);

    /// <summary>Adds a remote candidate; only called once that connection has its remote description.</summary>
    void AddRemoteCandidate(PeerType peer, IceCandidateInit candidate);

    /// <summary>The SFU changed who we hear: remote tracks map to participants through the roster.</summary>
    void OnRosterChanged(SfuRoster roster);
}

/// <param name="Sdp">The offer, already set as the publisher's local description.</param>
/// <param name="Tracks">What the offer publishes (track id = msid track id, real mid).</param>
public sealed record PublisherOffer(string Sdp, IReadOnlyList<TrackInfo> Tracks);
