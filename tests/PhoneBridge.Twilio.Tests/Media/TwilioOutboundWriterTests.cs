using System.Text;
using PhoneBridge.Twilio.Media;

namespace PhoneBridge.Twilio.Tests.Media;

public class TwilioOutboundWriterTests
{
    [Fact]
    public void Media_message_has_unescaped_base64()
    {
        using var writer = new TwilioOutboundWriter();
        var mulaw = new byte[] { 0xFB, 0xEF, 0xBE, 0xFF, 0x00 }; // base64 "++++/wA=" needs '+' and '/'
        var json = Encoding.UTF8.GetString(writer.WriteMedia("MZ1"u8, mulaw).Span);
        Assert.Equal("""{"event":"media","streamSid":"MZ1","media":{"payload":"++++/wA="}}""", json);
    }

    [Fact]
    public void Mark_name_is_escaped_and_clear_is_minimal()
    {
        using var writer = new TwilioOutboundWriter();
        Assert.Equal(
            """{"event":"mark","streamSid":"MZ1","mark":{"name":"a\"b\\c"}}""",
            Encoding.UTF8.GetString(writer.WriteMark("MZ1"u8, "a\"b\\c").Span));
        Assert.Equal("""{"event":"clear","streamSid":"MZ1"}""", Encoding.UTF8.GetString(writer.WriteClear("MZ1"u8).Span));
    }

    [Fact]
    public void Buffer_is_reused_between_messages()
    {
        using var writer = new TwilioOutboundWriter();
        var frame = new byte[160];
        var first = writer.WriteMedia("MZ1"u8, frame);
        var second = writer.WriteMedia("MZ1"u8, frame);
        Assert.True(first.Span.Overlaps(second.Span));
        Assert.Equal("""{"event":"media","streamSid":"MZ1","media":{"payload":""}}""".Length + 216, second.Length);
    }
}
