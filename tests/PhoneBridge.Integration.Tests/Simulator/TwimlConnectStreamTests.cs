using PhoneBridge.Simulator;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Simulator;

public class TwimlConnectStreamTests
{
    [Fact]
    public void ReadsStreamUrlAndParameters()
    {
        const string twiml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Response><Connect><Stream url="wss://example.com/twilio/media/abc/tok" name="bridge">
              <Parameter name="callId" value="abc"/><Parameter name="empty"/>
            </Stream></Connect></Response>
            """;

        var stream = TwimlConnectStream.Parse(twiml);

        Assert.Equal(new Uri("wss://example.com/twilio/media/abc/tok"), stream.Url);
        Assert.Equal("bridge", stream.Name);
        Assert.Equal("abc", stream.Parameters["callId"]);
        Assert.Equal(string.Empty, stream.Parameters["empty"]);
    }

    [Theory]
    [InlineData("<Response><Say>Sorry</Say><Hangup/></Response>", "no <Connect><Stream>")]
    [InlineData("<Response><Start><Stream url=\"wss://x/y\"/></Start></Response>", "no <Connect><Stream>")]
    [InlineData("<Response><Connect><Stream url=\"https://x/y\"/></Connect></Response>", "WebSocket URL")]
    [InlineData("<Response><Connect><Stream url=\"wss://x/y?token=1\"/></Connect></Response>", "query string")]
    [InlineData("<Response><Connect><Stream/></Connect></Response>", "missing")]
    [InlineData("<Other/>", "<Response>")]
    [InlineData("not xml", "well-formed")]
    public void RejectsWhatTwilioWouldNotStream(string twiml, string expected)
    {
        var error = Assert.Throws<SimulatorException>(() => TwimlConnectStream.Parse(twiml));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesDocumentTypeDefinitions()
    {
        const string twiml = """<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><Response/>""";
        Assert.Throws<SimulatorException>(() => TwimlConnectStream.Parse(twiml));
    }
}
