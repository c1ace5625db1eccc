using Google.Protobuf;
using PhoneBridge.Stream.Sfu;
using PhoneBridge.Stream.Sfu.Events;
using PhoneBridge.Stream.Sfu.Models;
using ModelError = PhoneBridge.Stream.Sfu.Models.Error;
using SfuError = PhoneBridge.Stream.Sfu.Events.Error;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// Binary SFU signalling frames through <c>SfuEvent.Parser.ParseFrom</c> (the receive loop catches
/// <see cref="InvalidProtocolBufferException"/> only), then the pure parts of <c>SfuSession.HandleEventAsync</c>:
/// the roster updates, the trickled candidate JSON, and the subscriber offer's SDP fixes and track lookup. An
/// exception there would end the session as failed.
/// </summary>
internal static class SfuEventTarget
{
    public static FuzzTarget Create()
    {
        var roster = new SfuRoster("local-session");
        return new FuzzTarget("sfu-event", "SfuEvent.Parser.ParseFrom + roster, trickle, offer handling", Seeds(), input => Run(input, roster),
            4 * 1024 * 1024, Text: false);
    }

    private static List<byte[]> Seeds()
    {
        var offer = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fuzz", "Sdp", "stream-sfu-offer.sdp"));
        var agent = new Participant
        {
            UserId = "agent-7f3e", SessionId = "2b9c1d0e-8a7f-4e6d-9c5b-3a2f1e0d9c8b", TrackLookupPrefix = "a1b2c3d4e5f6",
            Name = "Support agent", PublishedTracks = { TrackType.Audio }, Roles = { "user" }, IsSpeaking = true, AudioLevel = 0.25f,
        };
        var events = new[]
        {
            new SfuEvent { JoinResponse = new JoinResponse { CallState = new CallState { Participants = { agent } }, FastReconnectDeadlineSeconds = 30 } },
            new SfuEvent { SubscriberOffer = new SubscriberOffer { Sdp = offer, NegotiationId = 3 } },
            new SfuEvent { IceTrickle = new ICETrickle { PeerType = PeerType.Subscriber, SessionId = agent.SessionId,
                IceCandidate = """{"candidate":"candidate:3467750437 1 udp 2122260223 192.0.2.10 54321 typ host generation 0 ufrag Zt4q network-id 1","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"Zt4q"}""" } },
            new SfuEvent { ParticipantJoined = new ParticipantJoined { CallCid = "default:call-1", Participant = agent } },
            new SfuEvent { ParticipantUpdated = new ParticipantUpdated { CallCid = "default:call-1", Participant = agent } },
            new SfuEvent { TrackPublished = new TrackPublished { UserId = agent.UserId, SessionId = agent.SessionId, Type = TrackType.Audio, Participant = agent } },
            new SfuEvent { TrackUnpublished = new TrackUnpublished { UserId = agent.UserId, SessionId = agent.SessionId, Type = TrackType.Audio } },
            new SfuEvent { ParticipantLeft = new ParticipantLeft { CallCid = "default:call-1", Participant = agent } },
            new SfuEvent { Error = new SfuError { Error_ = new ModelError { Message = "participant not found", ShouldRetry = true }, ReconnectStrategy = WebsocketReconnectStrategy.Rejoin } },
            new SfuEvent { CallGrantsUpdated = new CallGrantsUpdated { CurrentGrants = new CallGrants { CanPublishAudio = true } } },
            new SfuEvent { GoAway = new GoAway { Reason = GoAwayReason.ShuttingDown } },
            new SfuEvent { IceRestart = new ICERestart { PeerType = PeerType.PublisherUnspecified } },
            new SfuEvent { CallEnded = new CallEnded { Reason = CallEndedReason.Ended } },
            new SfuEvent { HealthCheckResponse = new HealthCheckResponse() },
        };
        return [.. events.Select(e => e.ToByteArray())];
    }

    private static void Run(ReadOnlySpan<byte> frame, SfuRoster roster)
    {
        SfuEvent evt;
        try
        {
            evt = SfuEvent.Parser.ParseFrom(frame);
        }
        catch (InvalidProtocolBufferException)
        {
            return;
        }

        switch (evt.EventPayloadCase)
        {
            case SfuEvent.EventPayloadOneofCase.JoinResponse:
                roster.Reset(evt.JoinResponse.CallState?.Participants ?? []);
                break;
            case SfuEvent.EventPayloadOneofCase.SubscriberOffer:
                var sdp = SfuSdpFixes.Normalize(evt.SubscriberOffer.Sdp);
                foreach (var streamId in TrackLookup.StreamIdsByMid(sdp).Values)
                {
                    roster.FindByStreamId(streamId);
                }

                break;
            case SfuEvent.EventPayloadOneofCase.IceTrickle:
                if (IceCandidateInit.TryParse(evt.IceTrickle.IceCandidate, out var candidate) && candidate is not null)
                {
                    _ = candidate.IsEndOfCandidates;
                }

                break;
            case SfuEvent.EventPayloadOneofCase.ParticipantJoined:
                roster.Upsert(evt.ParticipantJoined.Participant ?? new Participant());
                break;
            case SfuEvent.EventPayloadOneofCase.ParticipantUpdated:
                roster.Upsert(evt.ParticipantUpdated.Participant ?? new Participant());
                break;
            case SfuEvent.EventPayloadOneofCase.ParticipantLeft:
                roster.Remove(evt.ParticipantLeft.Participant?.SessionId ?? "");
                break;
            case SfuEvent.EventPayloadOneofCase.TrackPublished:
                var published = evt.TrackPublished;
                roster.SetTrack(published.UserId, published.SessionId, published.Type, true, published.Participant);
                break;
            case SfuEvent.EventPayloadOneofCase.TrackUnpublished:
                var unpublished = evt.TrackUnpublished;
                roster.SetTrack(unpublished.UserId, unpublished.SessionId, unpublished.Type, false, unpublished.Participant);
                break;
            case SfuEvent.EventPayloadOneofCase.Error:
                var error = evt.Error.Error_ ?? new ModelError();
                _ = (error.Code.ToString(), error.Message, evt.Error.ReconnectStrategy);
                break;
            case SfuEvent.EventPayloadOneofCase.GoAway:
                _ = evt.GoAway.Reason.ToString();
                break;
            case SfuEvent.EventPayloadOneofCase.CallEnded:
                _ = evt.CallEnded.Reason.ToString();
                break;
        }

        // What the media side asks after every roster change.
        _ = roster.DesiredAudioSubscriptions().Count + roster.Snapshot().Count;
        if (roster.Count > 1000)
        {
            roster.Reset([]);
        }
    }
}
