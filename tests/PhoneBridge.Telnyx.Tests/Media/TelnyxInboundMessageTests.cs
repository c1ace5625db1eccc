using System.Text;
using PhoneBridge.Telnyx.Media;

namespace PhoneBridge.Telnyx.Tests.Media;

/// <summary>Malformed shapes of Telnyx media messages: a value of the wrong type is skipped whole.</summary>
public class TelnyxInboundMessageTests
{
    private static TelnyxMediaEvent ParseEvent(string json, out string? encoding, out string? callControlId, out bool hasPayload)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var message = TelnyxInboundMessage.Parse(bytes, new byte[bytes.Length]);
        encoding = message.Encoding;
        callControlId = message.CallControlId;
        hasPayload = message.HasPayload;
        return message.Event;
    }

    [Fact]
    public void A_string_field_holding_an_object_is_skipped_whole_not_read_as_siblings()
    {
        var start = ParseEvent(
            """{"event":"start","start":{"call_control_id":{"media_format":{"encoding":"L16"}},"media_format":{"encoding":"PCMU","sample_rate":8000,"channels":1}},"stream_id":"s1"}""",
            out var encoding, out var callControlId, out _);
        Assert.Equal(TelnyxMediaEvent.Start, start);
        Assert.Equal("PCMU", encoding);
        Assert.Null(callControlId);

        var media = ParseEvent("""{"event":"media","stream_id":{"event":"stop"},"media":{"track":"inbound","chunk":"2","payload":"AAAA"}}""", out _, out _, out var hasPayload);
        Assert.Equal(TelnyxMediaEvent.Media, media);
        Assert.True(hasPayload);

        var track = ParseEvent("""{"event":"media","media":{"track":{"event":"stop"},"chunk":"3","payload":"AAAA"},"stream_id":"s1"}""", out _, out _, out hasPayload);
        Assert.Equal(TelnyxMediaEvent.Media, track);
        Assert.True(hasPayload);
    }

    /// <summary>
    /// Inputs the fuzz campaign (<c>PhoneBridge.Benchmarks fuzz --target telnyx-media</c>) found: a string that is not
    /// valid UTF-8 threw InvalidOperationException, which the media stream does not catch, so the call ended.
    /// </summary>
    [Theory]
    [InlineData("7b226576656e74223a226d65646961222c2273657175656e63655f6e756d626572223a2235222c226d65646961223a7b22747261636b223a22696e626f756e64222c226368756e6b223a332c2274696d657374616d70223a223235222c227061796c6f6164223a225c2f376d72704b4367704b7133364473734a53416749796f32584c3274706147676f366d30314438744a6945674969677954734b75707147676f716977796b59764a7949674969637652737177714b4b676f616175776b34794b434967495359745039533071614f676f615774765677324b694d67494355734f2b6933717153676f4b5372756638354b795167494351714e327fff724b57676f4b4f71747477394c53556849434d704e46535c2f726161686f4b4b6f737335434c6959684943496f4d457247723665696f4b4b6e72385a4b4d43676949413d3d227d2c2273747265616d5f6964223a2233324445304445412d353343422d344632312d383941342d394531383139433014334243227d")]
    [InlineData("7b226576656e74223a226572726f72222c227061796c6f6164223a7b22636f6465223a3130303030332c227469746c65223a226d616c666f726d65645f6672616dff222c2264657461696c223a22546865206672616d6520776173206e6f742076616c6964204a534f4e227d2c2273747265616d5f6964223a2233324445304445412d353343422d344232312d383941342d394531383139433034334243227d")]
    public void Text_that_is_not_valid_UTF8_is_malformed_JSON(string hex)
    {
        var json = Convert.FromHexString(hex);
        var scratch = new byte[json.Length];

        Assert.Throws<System.Text.Json.JsonException>(() => { TelnyxInboundMessage.Parse(json, scratch); });
    }

    [Fact]
    public void An_escaped_lone_surrogate_is_malformed_JSON()
    {
        var json = Encoding.UTF8.GetBytes("""{"event":"mark","mark":{"name":"\udc00"},"stream_id":"s1"}""");

        Assert.Throws<System.Text.Json.JsonException>(() => { TelnyxInboundMessage.Parse(json, new byte[json.Length]); });
    }
}
