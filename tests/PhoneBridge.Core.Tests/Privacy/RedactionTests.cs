using PhoneBridge.Core.Privacy;

namespace PhoneBridge.Core.Tests.Privacy;

public class RedactionTests
{
    [Theory]
    [InlineData("+15551234567", "***4567")]
    [InlineData("+44 20 7946 0958", "***0958")]
    [InlineData("sip:+15551234567@example.com", "***4567")]
    [InlineData("1234567", "***")]
    [InlineData("anonymous", "***")]
    [InlineData("", "***")]
    [InlineData(null, "***")]
    public void KeepsOnlyTheLastFourDigitsOfLongNumbers(string? number, string expected) =>
        Assert.Equal(expected, Redaction.MaskPhoneNumber(number));
}
