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
}
