using PhoneBridge.Stream.Sfu;
using PhoneBridge.Stream.Sfu.Models;

namespace PhoneBridge.Stream.Tests.Sfu;

public class SignallingHelpersTests
{
    [Theory]
    [InlineData("a1e5f21f716affb7:TRACK_TYPE_AUDIO:eO", "a1e5f21f716affb7", TrackType.Audio)]
    [InlineData("a1e5f21f716affb7:1:x", "a1e5f21f716affb7", TrackType.Audio)]
    [InlineData("p:TRACK_TYPE_VIDEO", "p", TrackType.Video)]
    [InlineData("p:mystery:x", "p", TrackType.Unspecified)]
    public void Stream_ids_parse_with_enum_names_or_numbers(string streamId, string prefix, TrackType type)
    {
        Assert.True(TrackLookup.TryParseStreamId(streamId, out var p, out var t));
        Assert.Equal(prefix, p);
        Assert.Equal(type, t);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("nocolon")]
    [InlineData(":TRACK_TYPE_AUDIO")]
    public void Malformed_stream_ids_are_rejected(string? streamId) =>
        Assert.False(TrackLookup.TryParseStreamId(streamId, out _, out _));

    [Fact]
    public void Stream_ids_are_read_per_mid_from_an_offer()
    {
        const string sdp = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=msid:aa:TRACK_TYPE_AUDIO:x 11111111-1111\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=msid:bb:TRACK_TYPE_AUDIO:y 2222\r\na=mid:1\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:2\r\n";

        var map = TrackLookup.StreamIdsByMid(sdp);

        Assert.Equal(2, map.Count);
        Assert.Equal("aa:TRACK_TYPE_AUDIO:x", map["0"]);
        Assert.Equal("bb:TRACK_TYPE_AUDIO:y", map["1"]);
    }

    [Fact]
    public void Sdp_quirks_are_normalized()
    {
        var fixedSdp = SfuSdpFixes.Normalize("v=0\na=msid-semantic:WMS*\na=rtcp-fb:96 goog-remb \r\na=msid-semantic:WMS a b\r\n");

        Assert.Equal("v=0\r\na=msid-semantic: WMS *\r\na=rtcp-fb:96 goog-remb\r\na=msid-semantic: WMS a b\r\n", fixedSdp);
    }

    [Fact]
    public void Ice_candidate_json_round_trips_in_browser_shape()
    {
        var candidate = new IceCandidateInit("candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host", "0", 0, "abcd");

        var json = candidate.ToJson();

        Assert.Equal("""{"candidate":"candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"abcd"}""", json);
        Assert.True(IceCandidateInit.TryParse(json, out var parsed));
        Assert.Equal(candidate, parsed);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("[1,2]")]
    public void Malformed_candidates_are_rejected_without_throwing(string json) =>
        Assert.False(IceCandidateInit.TryParse(json, out _));

    [Fact]
    public void End_of_candidates_is_recognized()
    {
        Assert.True(IceCandidateInit.TryParse("""{"candidate":"","sdpMid":"0"}""", out var c));
        Assert.True(c!.IsEndOfCandidates);
    }

    [Fact]
    public void Roster_upserts_by_session_and_builds_the_full_subscription_set()
    {
        var roster = new SfuRoster("me");
        var me = new Participant { UserId = "phone", SessionId = "me", TrackLookupPrefix = "p0" };
        me.PublishedTracks.Add(TrackType.Audio);
        roster.Reset([me, new Participant { UserId = "agent", SessionId = "s1", TrackLookupPrefix = "p1" }]);

        roster.SetTrack("agent", "s1", TrackType.Audio, true, null);
        roster.Upsert(new Participant { UserId = "agent", SessionId = "s1", TrackLookupPrefix = "p1", PublishedTracks = { TrackType.Audio } });
        roster.SetTrack("human", "s2", TrackType.Audio, true, null);
        roster.SetTrack("human", "s2", TrackType.Video, true, null);

        var subs = roster.DesiredAudioSubscriptions();
        Assert.Equal(["s1", "s2"], subs.Select(s => s.SessionId));
        Assert.All(subs, s => Assert.Equal(TrackType.Audio, s.TrackType));
        Assert.Equal("s1", roster.FindByStreamId("p1:TRACK_TYPE_AUDIO:z")!.SessionId);

        roster.SetTrack("human", "s2", TrackType.Audio, false, null);
        Assert.True(roster.Remove("s1"));
        Assert.Empty(roster.DesiredAudioSubscriptions());
    }

    [Fact]
    public void Throw_away_sdps_have_the_right_directions_and_fresh_credentials()
    {
        var sub = ThrowAwaySdp.Create(subscriber: true);
        var pub = ThrowAwaySdp.Create(subscriber: false);

        Assert.Equal(2, sub.Split("a=recvonly").Length - 1);
        Assert.Equal(2, pub.Split("a=sendonly").Length - 1);
        Assert.Contains("m=audio 9 UDP/TLS/RTP/SAVPF 111", sub, StringComparison.Ordinal);
        Assert.Contains("m=video", pub, StringComparison.Ordinal);
        Assert.NotEqual(Line(sub, "a=ice-ufrag:"), Line(pub, "a=ice-ufrag:"));
        Assert.EndsWith("\r\n", sub, StringComparison.Ordinal);

        static string Line(string sdp, string prefix) => sdp.Split("\r\n").First(l => l.StartsWith(prefix, StringComparison.Ordinal));
    }
}
