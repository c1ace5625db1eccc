using PhoneBridge.Core.Telemetry;

namespace PhoneBridge.Core.Tests.Telemetry;

public class HttpTraceRedactionTests
{
    [Theory]
    [InlineData("/twilio/media/abc123/s3cr3t-token", "/twilio/media/abc123/{token}")]
    [InlineData("/telnyx/media/abc123/s3cr3t-token", "/telnyx/media/abc123/{token}")]
    [InlineData("/twilio/voice", null)]
    [InlineData("/calls/abc123/hangup", null)]
    [InlineData("", null)]
    public void MediaUrlsLoseTheirToken(string path, string? expected) =>
        Assert.Equal(expected, HttpTraceRedaction.RedactMediaPath(path));
}
