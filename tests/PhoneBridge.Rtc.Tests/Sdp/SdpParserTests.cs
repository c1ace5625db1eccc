using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Rtc.Tests.Sdp;

public class SdpParserTests
{
    [Theory]
    [InlineData("aiortc-offer.sdp")]
    [InlineData("aiortc-answer.sdp")]
    [InlineData("chromium-offer.sdp")]
    public void Real_sdp_round_trips_byte_for_byte(string fixture)
    {
        var text = SdpFixtures.Read(fixture);

        var written = SessionDescription.Parse(text).ToString();

        Assert.Equal(text, written);
    }

    [Fact]
    public void Stream_offer_round_trips_except_trailing_whitespace()
    {
        var text = SdpFixtures.Read("stream-sfu-offer.sdp");
        var normalised = string.Join("\r\n", text.Split("\r\n").Select(l => l.TrimEnd()));

        var written = SessionDescription.Parse(text).ToString();

        Assert.Equal(normalised, written);
        Assert.Equal(written, SessionDescription.Parse(written).ToString());
    }

    [Fact]
    public void Aiortc_offer_has_what_negotiation_needs()
    {
        var sdp = SessionDescription.Parse(SdpFixtures.Read("aiortc-offer.sdp"));

        Assert.Equal(["0"], sdp.BundleMids);
        var m = Assert.Single(sdp.Media);
        Assert.True(m.IsAudio);
        Assert.Equal("UDP/TLS/RTP/SAVPF", m.Protocol);
        Assert.Equal("0", m.Mid);
        Assert.Equal(MediaDirection.SendRecv, m.Direction);
        Assert.True(m.RtcpMux);
        Assert.Equal("Ai5s", sdp.IceUfragFor(m));
        Assert.Equal("uieGwPqd4Jcw3inxIgk9T6", sdp.IcePasswordFor(m));
        Assert.Equal(SdpSetupRole.ActPass, sdp.SetupFor(m));
        Assert.Equal("sha-256", sdp.FingerprintFor(m)!.Algorithm);
        Assert.StartsWith("93:52:B9", sdp.FingerprintFor(m)!.Value, StringComparison.Ordinal);
        Assert.Equal(["opus", "PCMU", "PCMA"], m.Codecs.Select(c => c.Name));
        var opus = m.Codecs[0];
        Assert.Equal((96, 48000, 2), (opus.PayloadType, opus.ClockRate, opus.Channels));
        Assert.Equal(2, m.ExtmapId(SdpExtmap.AudioLevelUri));
        Assert.Equal(1, m.ExtmapId(SdpExtmap.SdesMidUri));
        Assert.Equal(2, m.Candidates.Count());
        Assert.True(m.EndOfCandidates);
        Assert.Equal(3468079568u, m.PrimarySsrc);
        Assert.Equal(new SdpMsid("4fd9aecc-74e8-45b5-bef8-66656bcb735b", "9b19a3ec-7e45-4219-959b-7362b9e3d805"), m.Msid);
    }

    [Fact]
    public void Aiortc_answer_is_active_and_recvonly()
    {
        var sdp = SessionDescription.Parse(SdpFixtures.Read("aiortc-answer.sdp"));

        var m = Assert.Single(sdp.Media);
        Assert.Equal(SdpSetupRole.Active, sdp.SetupFor(m));
        Assert.Equal(MediaDirection.RecvOnly, m.Direction);
    }

    [Fact]
    public void Chromium_offer_lists_red_and_opus_fmtp()
    {
        var sdp = SessionDescription.Parse(SdpFixtures.Read("chromium-offer.sdp"));

        var m = Assert.Single(sdp.Media);
        Assert.Contains("trickle", m.Get("ice-options"), StringComparison.Ordinal);
        Assert.Equal(111, m.Codecs[0].PayloadType);
        Assert.True(m.Codecs[0].IsOpus);
        Assert.Equal("1", m.Codecs[0].Parameter("useinbandfec"));
        Assert.Equal("10", m.Codecs[0].Parameter("minptime"));
        Assert.Equal(["transport-cc"], m.Codecs[0].RtcpFeedback);
        var red = m.Codecs.Single(c => c.Is("red"));
        Assert.Equal(63, red.PayloadType);
        Assert.True(red.Parameters.ContainsKey("111/111"));
        Assert.Equal(8, m.Codecs.Count);
        Assert.Equal(4, m.ExtmapId(SdpExtmap.SdesMidUri));
        Assert.Equal(1, m.ExtmapId(SdpExtmap.AudioLevelUri));
        Assert.Empty(m.Candidates);
        Assert.NotNull(m.Msid);
        Assert.Equal(sdp.Get("msid-semantic")!.Trim(), "WMS " + m.Msid!.StreamId);
    }

    [Fact]
    public void Stream_offer_is_ice_lite_with_two_bundled_audio_sections()
    {
        var sdp = SessionDescription.Parse(SdpFixtures.Read("stream-sfu-offer.sdp"));

        Assert.True(sdp.IceLite);
        Assert.Equal(["0", "1"], sdp.BundleMids);
        Assert.Equal(2, sdp.Media.Count);
        Assert.All(sdp.Media, m => Assert.Equal(MediaDirection.SendOnly, m.Direction));
        var first = sdp.Media[0];
        Assert.Equal("sha-256", sdp.FingerprintFor(first)!.Algorithm);
        Assert.Null(first.Fingerprint);
        Assert.Equal("a1e5f21f716affb7:TRACK_TYPE_AUDIO:eO", first.Msid!.StreamId);
        Assert.Equal("8d3bb5a2-1d4b-4f0b-9a77-3f8c3c1b2e41", first.Msid.TrackId);
        Assert.Equal("TRACK_TYPE_AUDIO", first.Msid.StreamId.Split(':')[1]);
        var opus = first.Codecs[0];
        Assert.Equal("1", opus.Parameter("stereo"));
        Assert.Equal("1", opus.Parameter("sprop-stereo"));
        Assert.Equal(["transport-cc", "nack"], opus.RtcpFeedback);
        Assert.Equal("red", first.Codecs[1].Name);
        Assert.Equal(1530563391u, first.PrimarySsrc);
        Assert.Equal(2984720194u, sdp.Media[1].PrimarySsrc);
    }

    [Fact]
    public void Unknown_attributes_and_lines_are_preserved()
    {
        const string text = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=x-custom:42 foo\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\nb=AS:64\r\na=x-flag\r\na=mid:a\r\n";

        var sdp = SessionDescription.Parse(text);

        Assert.Equal("42 foo", sdp.Get("x-custom"));
        Assert.True(sdp.Media[0].Has("x-flag"));
        Assert.Equal(new SdpLine('b', "AS:64"), sdp.Media[0].Lines[1]);
        Assert.Equal("PCMU", sdp.Media[0].Codecs.Single().Name);
        Assert.Equal(text, sdp.ToString());
    }

    [Fact]
    public void Lf_only_input_is_accepted()
    {
        var text = SdpFixtures.Read("aiortc-offer.sdp").Replace("\r\n", "\n", StringComparison.Ordinal);

        var sdp = SessionDescription.Parse(text);

        Assert.Equal(SdpFixtures.Read("aiortc-offer.sdp"), sdp.ToString());
    }

    [Theory]
    [InlineData("", "empty document")]
    [InlineData("o=- 1 1 IN IP4 0.0.0.0\r\n", "first line")]
    [InlineData("v=1\r\n", "first line")]
    [InlineData("v=0\r\ns=-\r\n", "missing 'o='")]
    [InlineData("v=0\r\no=- x 1 IN IP4 0.0.0.0\r\n", "'o='")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio\r\n", "'m='")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=audio 70000 RTP/AVP 0\r\n", "port")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nnot a line\r\n", "<letter>")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=\r\n", "empty attribute")]
    [InlineData("v=0\r\nv=0\r\n", "duplicate")]
    public void Malformed_sdp_is_rejected_with_a_clear_error(string text, string expected)
    {
        var e = Assert.Throws<SdpParseException>(() => SessionDescription.Parse(text));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.False(SessionDescription.TryParse(text, out _, out var error));
        Assert.Equal(e.Message, error);
    }

    [Fact]
    public void Oversized_sdp_is_rejected()
    {
        var text = "v=0\r\n" + new string('x', SessionDescription.MaxLength);

        Assert.Throws<SdpParseException>(() => SessionDescription.Parse(text));
    }

    [Fact]
    public void Malformed_attribute_values_are_ignored_by_typed_views()
    {
        const string text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 RTP/AVP 96 abc 200 0\r\n"
            + "a=rtpmap:96 opus\r\na=rtpmap:x opus/48000\r\na=extmap:0 urn:x\r\na=extmap:z urn:y\r\n"
            + "a=ssrc:notanumber cname:x\r\na=fingerprint:sha-256 ZZ\r\na=setup:sideways\r\na=msid:\r\n";

        var m = SessionDescription.Parse(text).Media[0];

        Assert.Equal(["PCMU"], m.Codecs.Select(c => c.Name));
        Assert.Empty(m.Extmaps);
        Assert.Null(m.PrimarySsrc);
        Assert.Null(m.Fingerprint);
        Assert.Null(m.Setup);
        Assert.Null(m.Msid);
    }
}
