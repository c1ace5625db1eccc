using System.Text;
using System.Text.Json;
using PhoneBridge.Audio;
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

    /// <summary>
    /// Inputs the fuzz campaign (<c>PhoneBridge.Benchmarks fuzz --target twilio-media</c>) found: a string that is not
    /// valid UTF-8 threw InvalidOperationException, which the media stream does not catch, so the call ended.
    /// </summary>
    [Theory]
    [InlineData("7b226576656e74223a226d65646961222c2273657175656e63654e756d626572223a2235222c226d65646961223a7b22747261636b223a22696e626f756e64222c226368356e6b223a2233376d72704b4367704b7133364473734a53416749796f32584c222c2274696d657374616d70223a223235222c227061796c6f6164223a225c2f376d72704b4367704b7133364473734a53416749796f32584c3274706147676f376d30314438744a6945674969677954734b75707147676f716977796b59764a7949674969637652737177714b4b676f616175776b34794b434967495359745039533071614f676f615774765677324b694d67494355734f2b6933717153676f4b5372756638354b795167494351714e326937724b57676f4b4f71747477394c53556849434d704e46535c2f726180686f4b4b6f737335434c6959684943496f4d457247723665696f4b4b6e72385a4b4d43676949413d3d227d2c2273747265616d536964223a22ffff31386164336162356136363831652d3430306365303262383365373339353035396630227d")]
    [InlineData("7b226576656e74223a227374617274222c2273657175656e636520756d626572223a2231222c227374617274223a7b226163636f756e74536964223a2241433364356580653562306634613262366337643865396630613162326333643465222c2273747265616d536964223a224d5a323536636433616235613636383438316365303262383365373339353035396630222c2263616c6c536964223a2243413263356132626430633065306636633734613566633064623666386237633331222c22747261636b73223a5b22696e626f756e64225d2c226d65646961466f726d6174223a7b22656e636f64696e67223a226368616e6ee56c73223a317d2c22637573746f6d506172616d6574657273223a7b2263616c6c4964223a22632d316232633364222c2246697273744e616d65223a224a616e65227d7d2c2273747265616d536964223a224d5a3138616433616235613636383438316365303262383365373339353035396630227d")]
    public void Text_that_is_not_valid_UTF8_is_malformed_JSON(string hex)
    {
        var json = Convert.FromHexString(hex);
        var scratch = new byte[json.Length];

        Assert.Throws<JsonException>(() => { TwilioInboundMessage.Parse(json, scratch); });
    }

    [Fact]
    public void An_escaped_lone_surrogate_is_malformed_JSON()
    {
        var json = Encoding.UTF8.GetBytes("""{"event":"mark","mark":{"name":"\ud800"},"streamSid":"MZ1"}""");

        Assert.Throws<JsonException>(() => { TwilioInboundMessage.Parse(json, new byte[json.Length]); });
    }
}
