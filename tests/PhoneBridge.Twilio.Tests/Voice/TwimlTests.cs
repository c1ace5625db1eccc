using System.Xml.Linq;
using PhoneBridge.Twilio.Voice;

namespace PhoneBridge.Twilio.Tests.Voice;

public class TwimlTests
{
    [Fact]
    public void Connect_stream_document_is_exact()
    {
        var twiml = Twiml.ConnectStream("wss://h.example/twilio/media/c1/tok", [new("callId", "c1")]);
        Assert.Equal(
            """<?xml version="1.0" encoding="utf-8"?><Response><Connect><Stream url="wss://h.example/twilio/media/c1/tok"><Parameter name="callId" value="c1" /></Stream></Connect></Response>""",
            twiml);
    }

    [Fact]
    public void Values_are_escaped()
    {
        const string url = "wss://h.example/m/a&b/\"<x>'";
        const string value = "v\"&<>'\u00e9";
        var twiml = Twiml.ConnectStream(url, [new("n&\"", value)]);

        var stream = XDocument.Parse(twiml).Root!.Element("Connect")!.Element("Stream")!;
        Assert.Equal(url, stream.Attribute("url")!.Value);
        var parameter = stream.Element("Parameter")!;
        Assert.Equal("n&\"", parameter.Attribute("name")!.Value);
        Assert.Equal(value, parameter.Attribute("value")!.Value);
        Assert.DoesNotContain("a&b", twiml, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_parameters_stream_has_no_children()
    {
        var stream = XDocument.Parse(Twiml.ConnectStream("wss://h/m")).Root!.Element("Connect")!.Element("Stream")!;
        Assert.Empty(stream.Elements());
    }
}
