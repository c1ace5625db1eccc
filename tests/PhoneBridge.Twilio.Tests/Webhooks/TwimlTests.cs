using System.Xml.Linq;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Twilio.Tests.Webhooks;

public class TwimlTests
{
    /// <summary>
    /// The SDK writes an empty element as <c>&lt;Parameter …&gt;&lt;/Parameter&gt;</c> where XmlWriter wrote
    /// <c>&lt;Parameter … /&gt;</c>, which XML (and Twilio) read the same; so the document is compared as XML:
    /// the UTF-8 declaration, and exactly these elements and attributes, nothing else.
    /// </summary>
    [Fact]
    public void Connect_stream_document_is_exact()
    {
        var twiml = Twiml.ConnectStream("wss://h.example/twilio/media/c1/tok", [new("callId", "c1")]);

        Assert.StartsWith("""<?xml version="1.0" encoding="utf-8"?><Response>""", twiml, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', twiml);
        var expected = XElement.Parse(
            """<Response><Connect><Stream url="wss://h.example/twilio/media/c1/tok"><Parameter name="callId" value="c1" /></Stream></Connect></Response>""");
        var actual = XDocument.Parse(twiml);
        Assert.Equal("1.0", actual.Declaration!.Version);
        Assert.Equal("utf-8", actual.Declaration.Encoding);
        Assert.True(XNode.DeepEquals(Normalize(expected), Normalize(actual.Root!)), actual.Root!.ToString());
    }

    [Fact]
    public void Dial_document_transfers_to_a_number_with_a_caller_id()
    {
        var dial = XDocument.Parse(Twiml.Dial("+14155550123", "+14155550100")).Root!;
        var expected = XElement.Parse("""<Response><Dial callerId="+14155550100"><Number>+14155550123</Number></Dial></Response>""");
        Assert.True(XNode.DeepEquals(Normalize(expected), Normalize(dial)), dial.ToString());
    }

    [Theory]
    [InlineData("client:alice", "Client", "alice")]
    [InlineData("sip:agent@example.com", "Sip", "sip:agent@example.com")]
    public void Dial_document_addresses_clients_and_sip(string to, string element, string text)
    {
        var dial = XDocument.Parse(Twiml.Dial(to)).Root!.Element("Dial")!;
        Assert.Empty(dial.Attributes());
        var target = Assert.Single(dial.Elements());
        Assert.Equal(element, target.Name.LocalName);
        Assert.Equal(text, target.Value);
    }

    /// <summary>A self-closing tag and an empty pair are the same XML, but DeepEquals tells them apart: write every empty leaf as a pair.</summary>
    private static XElement Normalize(XElement element)
    {
        var copy = new XElement(element);
        foreach (var e in copy.DescendantsAndSelf().Where(e => !e.HasElements && e.Value.Length == 0))
        {
            e.Value = string.Empty;
        }

        return copy;
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
