using System.Text;
using System.Text.Json;
using PhoneBridge.Core.Audio;
using PhoneBridge.Twilio.Media;

namespace PhoneBridge.Twilio.Tests.Media;

/// <summary>The message shapes from Twilio's Media Streams docs (websocket-messages page).</summary>
public class TwilioInboundMessageTests
{
    private static TwilioInboundMessage Parse(string json, out byte[] scratch)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        scratch = new byte[bytes.Length];
        return TwilioInboundMessage.Parse(bytes, scratch);
    }

    [Fact]
    public void Documented_start_message()
    {
        var message = Parse(
            """{"event":"start","sequenceNumber":"1","start":{"accountSid":"ACXXX","streamSid":"MZXXX","callSid":"CAXXX","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1},"customParameters":{"FirstName":"Jane","LastName":"Doe","RemoteParty":"Bob"}},"streamSid":"MZXXX"}""",
            out _);

        Assert.Equal(TwilioMediaEvent.Start, message.Event);
        Assert.Null(message.UnsupportedFormat);
        var start = message.Start!;
        Assert.Equal("MZXXX", start.StreamId);
        Assert.Equal("CAXXX", start.ProviderCallId);
        Assert.Equal(8000, start.Format.SampleRate);
        Assert.Equal(3, start.CustomParameters.Count);
        Assert.Equal("Bob", start.CustomParameters["RemoteParty"]);
    }

    [Fact]
    public void A_string_field_holding_an_object_is_skipped_whole_not_read_as_siblings()
    {
        var message = Parse(
            """{"event":"start","start":{"streamSid":{"callSid":"CAinner"},"callSid":"CAouter"},"streamSid":"MZ1"}""",
            out _);
        Assert.Equal("CAouter", message.Start!.ProviderCallId);
        Assert.Equal("MZ1", message.Start.StreamId);

        var mark = Parse("""{"event":"mark","mark":{"name":{"event":"stop"}},"streamSid":"MZ1"}""", out _);
        Assert.Equal(TwilioMediaEvent.Mark, mark.Event);
        Assert.Null(mark.MarkName);

        var media = Parse("""{"event":"media","media":{"track":{"payload":"////"},"payload":"AAAA"},"streamSid":"MZ1"}""", out _);
        Assert.Equal("AAAA", Encoding.ASCII.GetString(media.Payload));

        var format = Parse(
            """{"event":"start","start":{"mediaFormat":{"encoding":{"sampleRate":8000},"sampleRate":8000,"channels":1},"callSid":"CA2"},"streamSid":"MZ2"}""",
            out _);
        Assert.Equal("encoding is not audio/x-mulaw", format.UnsupportedFormat);
        Assert.Equal("CA2", format.Start!.ProviderCallId);
    }

    [Fact]
    public void Start_without_inner_stream_sid_uses_the_top_level_one()
    {
        var message = Parse("""{"streamSid":"MZ9","start":{"callSid":"CA9"},"event":"start"}""", out _);
        Assert.Equal("MZ9", message.Start!.StreamId);
        Assert.Empty(message.Start.CustomParameters);
    }

    [Fact]
    public void Start_without_any_stream_sid_has_no_start()
    {
        Assert.Null(Parse("""{"event":"start","start":{"callSid":"CA9"}}""", out _).Start);
    }

    [Theory]
    [InlineData("""{"encoding":"audio/x-alaw","sampleRate":8000,"channels":1}""", "encoding")]
    [InlineData("""{"encoding":"audio/x-mulaw","sampleRate":16000,"channels":1}""", "sampleRate")]
    [InlineData("""{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":2}""", "channels")]
    [InlineData("""{"encoding":"audio/x-mulaw","sampleRate":"8000","channels":"1"}""", null)]
    public void Media_format_other_than_mulaw_8k_mono_is_reported(string format, string? problem)
    {
        var message = Parse($$$"""{"event":"start","start":{"streamSid":"MZ1","mediaFormat":{{{format}}}}}""", out _);
        if (problem is null)
        {
            Assert.Null(message.UnsupportedFormat);
        }
        else
        {
            Assert.Contains(problem, message.UnsupportedFormat, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Documented_media_message_payload_is_a_slice_of_the_input()
    {
        const string json = """{"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"no+JhoaJjpzSHxAKBgYJDhtEopGKh4aIjZm7JhILBwYIDBc3qJaMiIaHi5SsLBYNCAYHChEnt5qOiYaHipCjPxsPCQcHCQ8cVqySi4eGiI2Zuy0TCwcGBwsUMKuXjYiGh4uTpjUYDQkHBwkPGUy2n5GKh4aJj52o"},"streamSid":"MZXXX"}""";
        var bytes = Encoding.UTF8.GetBytes(json);
        var message = TwilioInboundMessage.Parse(bytes, new byte[bytes.Length]);

        Assert.Equal(TwilioMediaEvent.Media, message.Event);
        Assert.True(message.HasPayload);
        Assert.True(message.InboundTrack);
        Assert.False(message.PayloadInScratch);
        Assert.StartsWith("no+Jhoa", Encoding.UTF8.GetString(message.Payload), StringComparison.Ordinal);

        var mulaw = new byte[message.Payload.Length];
        var pcm = new short[message.Payload.Length];
        Assert.True(TwilioInboundMessage.TryDecodePayload(message.Payload, mulaw, pcm, out var samples));
        var expected = Convert.FromBase64String(Encoding.UTF8.GetString(message.Payload));
        Assert.Equal(expected.Length, samples);
        Assert.Equal(G711.MuLawDecode(expected[0]), pcm[0]);
        Assert.Equal(G711.MuLawDecode(expected[^1]), pcm[samples - 1]);
    }

    [Fact]
    public void Twenty_ms_of_silence_decodes_to_zeros()
    {
        var payload = Encoding.UTF8.GetBytes(new string('/', 213) + "w==");
        Assert.Equal(216, payload.Length);
        var pcm = new short[160];
        Assert.True(TwilioInboundMessage.TryDecodePayload(payload, new byte[162], pcm, out var samples));
        Assert.Equal(160, samples);
        Assert.All(pcm, s => Assert.Equal(0, s));
    }

    [Theory]
    [InlineData("@@@@")]
    [InlineData("AAA")]
    [InlineData("AA=A")]
    public void Invalid_base64_is_refused(string payload) =>
        Assert.False(TwilioInboundMessage.TryDecodePayload(Encoding.UTF8.GetBytes(payload), new byte[8], new short[8], out _));

    [Fact]
    public void Outbound_track_is_flagged()
    {
        Assert.False(Parse("""{"event":"media","media":{"track":"outbound","payload":"AA=="}}""", out _).InboundTrack);
    }

    [Fact]
    public void Dtmf_mark_stop_and_connected()
    {
        Assert.Equal('#', Parse("""{"event":"dtmf","streamSid":"MZ1","sequenceNumber":"5","dtmf":{"track":"inbound_track","digit":"#"}}""", out _).Digit);
        Assert.Equal("my label", Parse("""{"event":"mark","sequenceNumber":"4","streamSid":"MZ1","mark":{"name":"my label"}}""", out _).MarkName);
        Assert.Equal(TwilioMediaEvent.Stop, Parse("""{"event":"stop","sequenceNumber":"5","stop":{"accountSid":"AC1","callSid":"CA1"},"streamSid":"MZ1"}""", out _).Event);
        Assert.Equal(TwilioMediaEvent.Connected, Parse("""{"event":"connected","protocol":"Call","version":"1.0.0"}""", out _).Event);
        Assert.Equal(TwilioMediaEvent.Unknown, Parse("""{"event":"transcript"}""", out _).Event);
        Assert.Equal(TwilioMediaEvent.Unknown, Parse("""{"event":42}""", out _).Event);
        Assert.Equal(TwilioMediaEvent.None, Parse("""{"nothing":[1,{"a":2}]}""", out _).Event);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("\"media\"")]
    [InlineData("""{"event":"media","media":{"payload":"AA==""")]
    [InlineData("""{"event":"media",}""")]
    [InlineData("""{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}""")]
    public void Malformed_json_throws_json_exception(string json)
    {
        Assert.ThrowsAny<JsonException>(() => Parse(json, out _));
    }
}
