using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Simulator;

/// <summary>Published X-Twilio-Signature vectors (twilio-csharp RequestValidatorTest, twilio-python, Twilio docs).</summary>
public class TwilioSignatureTests
{
    private static readonly KeyValuePair<string, string>[] Parameters =
    [
        new("CallSid", "CA1234567890ABCDE"),
        new("From", "+14158675309"),
        new("Digits", "1234"),
        new("To", "+18005551212"),
        new("Caller", "+14158675309"),
    ];

    [Theory]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    [InlineData("http://mycompany.com:80/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=")]
    [InlineData("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "CYn1h0gLBdNxDGkKJg6hYohgeD8=")]
    [InlineData("http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=")]
    [InlineData("https://MyCompany.com/myapp.php?foo=1&bar=2", "g9IN/x4Cft2g517EjYvEvM/W7LU=")]
    [InlineData("http://username:password@MyCompany.com/myapp.php?foo=1&bar=2", "PJ08CxXr7KLPjEQCTc8LkUSMwSM=")]
    public void MatchesPublishedVectors(string url, string expected) =>
        Assert.Equal(expected, TwilioSignature.Compute("12345", url, Parameters));

    [Fact]
    public void RepeatedNamesAreSignedWithSortedValues() =>
        Assert.Equal(
            "IK+Dwps556ElfBT0I3Rgjkr1wJU=",
            TwilioSignature.Compute(
                "12345",
                "https://mycompany.com/myapp.php?foo=1&bar=2",
                [new("Sid", "CA123"), new("SidAccount", "AC123"), new("Digits", "5678"), new("Digits", "1234")]));

    [Fact]
    public void MatchesTheTwilioDocsExample() =>
        Assert.Equal(
            "L/OH5YylLD5NRKLltdqwSvS0BnU=",
            TwilioSignature.Compute(
                "12345",
                "https://example.com/myapp.php?foo=1&bar=2",
                [
                    new("Digits", "1234"), new("To", "+18005551212"), new("From", "+14158675310"),
                    new("Caller", "+14158675310"), new("CallSid", "CA1234567890ABCDE"),
                ]));

    [Fact]
    public void CaseOfTheHostChangesTheSignature() =>
        Assert.NotEqual(
            TwilioSignature.Compute("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", Parameters),
            TwilioSignature.Compute("12345", "https://MyCompany.com/myapp.php?foo=1&bar=2", Parameters));
}
