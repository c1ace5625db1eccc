using System.Text;
using Microsoft.Extensions.Primitives;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Twilio.Tests.Webhooks;

/// <summary>Known answers from twilio-csharp RequestValidatorTest, twilio-python test_request_validator and the Twilio security docs.</summary>
public class TwilioRequestValidatorTests
{
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";

    private static readonly TwilioRequestValidator Validator = new("12345");

    // Out of order on purpose: the validator must sort.
    private static readonly Dictionary<string, StringValues> Parameters = new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["From"] = "+14158675309",
        ["Digits"] = "1234",
        ["To"] = "+18005551212",
        ["Caller"] = "+14158675309",
    };

    [Theory]
    [InlineData(Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")] // #1
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w=")] // #2
    [InlineData("http://mycompany.com:80/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=")] // #3
    [InlineData("http://mycompany.com/myapp.php?foo=1&bar=2", "OyGYPqTF6ztdbRNCvuQO/oPvqQ4=")] // #3b
    [InlineData("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "CYn1h0gLBdNxDGkKJg6hYohgeD8=")] // #4
    [InlineData("http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=")] // #4b
    [InlineData("https://MyCompany.com/myapp.php?foo=1&bar=2", "g9IN/x4Cft2g517EjYvEvM/W7LU=")] // #6
    [InlineData("https://MyCompany.com:1234/myapp.php?foo=1&bar=2", "PCqOZm8cnu/L6+u5i5fuEd+Iac4=")] // #7
    [InlineData("http://MyCompany.com/myapp.php?foo=1&bar=2", "XY7AlKOKL6im4yWyX84gldUrtis=")] // #8
    [InlineData("http://MyCompany.com:80/myapp.php?foo=1&bar=2", "kwoQzXtJWD1pkO5cgHeuD6cfBOk=")] // #8 with :80
    [InlineData("http://username:password@MyCompany.com/myapp.php?foo=1&bar=2", "PJ08CxXr7KLPjEQCTc8LkUSMwSM=")] // #9
    [InlineData("HTTP://username:password@MyCompany.com/myapp.php?foo=1&bar=2", "hy/l8pca+LFms4cvRdv8uiP6NGc=")] // #10
    [InlineData("http://Username:Password@MyCompany.com/myapp.php?foo=1&bar=2", "SkTSKyDJH9kUlhItI0slbgZ1UsI=")] // #11
    public void Computes_and_accepts_the_published_signature(string url, string signature)
    {
        Assert.Equal(signature, Validator.ComputeSignature(url, Parameters));
        Assert.True(Validator.Validate(url, Parameters, signature));
    }

    [Fact]
    public void Signed_string_is_url_then_sorted_names_and_values()
    {
        const string signed = Url + "CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212";
        Assert.Equal(Validator.ComputeSignature(signed), Validator.ComputeSignature(Url, Parameters));
    }

    [Theory]
    [InlineData(Url, "kvajT1Ptam85bY51eRf/AJRuM3w=")] // #2: signed with :443, request seen without a port
    [InlineData("http://mycompany.com/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=")] // #3: signed with :80
    [InlineData("http://mycompany.com:80/myapp.php?foo=1&bar=2", "OyGYPqTF6ztdbRNCvuQO/oPvqQ4=")] // #3b: signed without :80
    [InlineData("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")] // #4: port removed gives #1
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData("http://MyCompany.com/myapp.php?foo=1&bar=2", "kwoQzXtJWD1pkO5cgHeuD6cfBOk=")] // #8 with :80 added
    public void Accepts_the_port_variant(string requestUrl, string signature) =>
        Assert.True(Validator.Validate(requestUrl, Parameters, signature));

    [Fact]
    public void Host_case_is_signed_so_lowercase_signature_fails_for_mixed_case_url() // #6
    {
        Assert.False(Validator.Validate("https://MyCompany.com/myapp.php?foo=1&bar=2", Parameters, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    [Theory]
    [InlineData("NOTRSOYDt4T1cUTdK1PDd93/VVr8B8=")] // #12
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B8")] // padding dropped
    [InlineData("rsoydt4t1cutdk1pdd93/vvr8b8=")] // base64 is case sensitive
    [InlineData("")]
    [InlineData(null)]
    public void Rejects_a_wrong_signature(string? signature) =>
        Assert.False(Validator.Validate(Url, Parameters, signature));

    [Fact]
    public void Rejects_when_a_parameter_was_altered()
    {
        var altered = new Dictionary<string, StringValues>(Parameters) { ["Digits"] = "1235" };
        Assert.False(Validator.Validate(Url, altered, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    [Fact]
    public void Rejects_with_a_different_auth_token() =>
        Assert.False(new TwilioRequestValidator("54321").Validate(Url, Parameters, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));

    [Fact]
    public void Repeated_names_sign_each_value_in_sorted_order() // #5
    {
        var parameters = new Dictionary<string, StringValues>
        {
            ["Sid"] = "CA123",
            ["SidAccount"] = "AC123",
            ["Digits"] = new(["5678", "1234"]),
        };

        Assert.Equal("IK+Dwps556ElfBT0I3Rgjkr1wJU=", Validator.ComputeSignature(Url, parameters));
        Assert.True(Validator.Validate(Url, parameters, "IK+Dwps556ElfBT0I3Rgjkr1wJU="));
        Assert.False(Validator.Validate(Url, parameters, "oNd5IjYjmops86rU2fr7navM88g=")); // insertion order
        Assert.False(Validator.Validate(Url, parameters, "YLMqXag434cTVesiMDG5hUT7Fq8=")); // comma-joined
    }

    [Fact]
    public void Matches_the_twilio_docs_example() // #13
    {
        var parameters = new Dictionary<string, StringValues>
        {
            ["Digits"] = "1234",
            ["To"] = "+18005551212",
            ["From"] = "+14158675310",
            ["Caller"] = "+14158675310",
            ["CallSid"] = "CA1234567890ABCDE",
        };

        const string url = "https://example.com/myapp.php?foo=1&bar=2";
        Assert.Equal("L/OH5YylLD5NRKLltdqwSvS0BnU=", Validator.ComputeSignature(url, parameters));
        Assert.True(Validator.Validate(url, parameters, "L/OH5YylLD5NRKLltdqwSvS0BnU="));
    }

    private const string Body = """{"property": "value", "boolean": true}""";
    private const string BodyHash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

    [Fact]
    public void Body_hash_is_lowercase_hex_sha256()
    {
        Assert.Equal(BodyHash, TwilioRequestValidator.ComputeBodyHash(Encoding.UTF8.GetBytes(Body)));
        Assert.Equal(
            "5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9",
            TwilioRequestValidator.ComputeBodyHash("""{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}"""u8));
    }

    [Theory]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=" + BodyHash, "a9nBmqA0ju/hNViExpshrM61xv4=")]
    [InlineData("https://mycompany.com/myapp.php?bodySHA256=" + BodyHash, "y77kIzt2vzLz71DgmJGsen2scGs=")]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2&bodySHA256=" + BodyHash, "uzN7O1319XdYoYMfTT2eUM1PJT0=")]
    [InlineData("https://mycompany.com:443/myapp.php?bodySHA256=" + BodyHash, "DvyhxKdj6iwN6iLOt+UHx5yLUaw=")]
    public void Json_body_vectors(string url, string signature)
    {
        Assert.Equal(signature, Validator.ComputeSignature(url));
        Assert.True(Validator.ValidateJsonBody(url, Encoding.UTF8.GetBytes(Body), signature));
    }

    [Fact]
    public void Json_body_signed_with_port_is_accepted_without_it() =>
        Assert.True(Validator.ValidateJsonBody(
            "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=" + BodyHash,
            Encoding.UTF8.GetBytes(Body),
            "uzN7O1319XdYoYMfTT2eUM1PJT0="));

    [Fact]
    public void Json_body_without_body_hash_in_url_fails() =>
        Assert.False(Validator.ValidateJsonBody(Url, Encoding.UTF8.GetBytes(Body), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));

    [Fact]
    public void Json_body_that_does_not_match_its_hash_fails() =>
        Assert.False(Validator.ValidateJsonBody(
            "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=" + BodyHash,
            Encoding.UTF8.GetBytes(Body + " "),
            "a9nBmqA0ju/hNViExpshrM61xv4="));

    [Fact]
    public void Json_body_with_wrong_signature_fails() =>
        Assert.False(Validator.ValidateJsonBody(
            "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=" + BodyHash,
            Encoding.UTF8.GetBytes(Body),
            "y77kIzt2vzLz71DgmJGsen2scGs="));

    [Theory]
    [InlineData("https://a.com/x", "https://a.com/x", "https://a.com:443/x")]
    [InlineData("https://a.com:8443/x?y=1", "https://a.com/x?y=1", "https://a.com:8443/x?y=1")]
    [InlineData("wss://A.com/twilio/media/c/t", "wss://A.com/twilio/media/c/t", "wss://A.com:443/twilio/media/c/t")]
    [InlineData("ws://a.com:5080/m", "ws://a.com/m", "ws://a.com:5080/m")]
    [InlineData("http://u:p@a.com?q=1", "http://u:p@a.com?q=1", "http://u:p@a.com:80?q=1")]
    [InlineData("http://[::1]:5080/m", "http://[::1]/m", "http://[::1]:5080/m")]
    [InlineData("http://[::1]/m", "http://[::1]/m", "http://[::1]:80/m")]
    [InlineData("ftp://a.com/x", "ftp://a.com/x", "ftp://a.com/x")]
    [InlineData("not a url", "not a url", "not a url")]
    public void Port_variants(string url, string withoutPort, string withPort)
    {
        var (without, with) = TwilioRequestValidator.PortVariants(url);
        Assert.Equal(withoutPort, without);
        Assert.Equal(withPort, with);
    }
}
