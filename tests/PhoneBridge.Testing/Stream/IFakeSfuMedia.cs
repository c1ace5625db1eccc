namespace PhoneBridge.Testing.Stream;

/// <summary>
/// The media side of the fake SFU: it produces the SDP the signalling fake hands out and moves the audio.
/// Two implementations: <see cref="InProcessSfuMedia"/> (the project's own stack, cheap enough for load runs) and
/// <see cref="AiortcSfuMedia"/> (aiortc in a Python process, an independent stack that relays audio and plays agents).
/// </summary>
internal interface IFakeSfuMedia : IAsyncDisposable
{
    /// <summary>Answers a publisher offer (first offer, or a later one such as an ICE restart) for the session.</summary>
    Task<string> AnswerPublisherAsync(FakeStream.FakeSession session, string offer);

    /// <summary>Creates the SFU's offer for a subscriber: one send-only audio m-line per forwarded track.</summary>
    Task<string> OfferSubscriberAsync(FakeStream.FakeSession session, IReadOnlyList<ForwardedTrack> tracks, bool iceRestart);

    /// <summary>Applies the subscriber's answer to the SFU's last offer.</summary>
    Task SetSubscriberAnswerAsync(FakeStream.FakeSession session, string answer);

    /// <summary>Releases every peer connection of the session (it left, or was replaced by a migration).</summary>
    Task CloseAsync(FakeStream.FakeSession session);
}

/// <param name="From">The publishing participant.</param>
/// <param name="StreamId">The msid stream id, <c>&lt;track_lookup_prefix&gt;:TRACK_TYPE_AUDIO:&lt;suffix&gt;</c>.</param>
/// <param name="TrackId">The msid track id (a UUID).</param>
internal sealed record ForwardedTrack(FakeStream.FakeSession From, string StreamId, string TrackId);
