using System.Collections.Specialized;
using System.Text;
using Microsoft.Extensions.Primitives;
using PhoneBridge.Twilio.Webhooks;
using SdkRequestValidator = Twilio.Security.RequestValidator;

namespace PhoneBridge.Twilio.Tests.Webhooks;

/// <summary>
/// Our vectors (<see cref="TwilioRequestValidatorTests"/>) run through the SDK's <see cref="SdkRequestValidator"/>
/// (Twilio 8.2.0). It passes most of them but fails three kinds, which is why signatures are checked with our own
/// <see cref="TwilioRequestValidator"/>: a repeated parameter name, a request URL with the default port spelled out
/// (behind a proxy), and the default-port variant of a <c>wss://</c> URL (the media upgrade).
/// If a later SDK passes these, the failing assertions below fail and the switch can be made.
/// </summary>
public class SdkRequestValidatorTests
{
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";

    private static readonly SdkRequestValidator Sdk = new("12345");
    private static readonly TwilioRequestValidator Ours = new("12345");

    private static readonly Dictionary<string, string> Parameters = new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["From"] = "+14158675309",
        ["Digits"] = "1234",
        ["To"] = "+18005551212",
        ["Caller"] = "+14158675309",
    };

    [Theory]
    [InlineData(Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    [InlineData("http://mycompany.com:80/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=")]
    [InlineData("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "CYn1h0gLBdNxDGkKJg6hYohgeD8=")]
    [InlineData("https://MyCompany.com/myapp.php?foo=1&bar=2", "g9IN/x4Cft2g517EjYvEvM/W7LU=")]
    [InlineData("http://username:password@MyCompany.com/myapp.php?foo=1&bar=2", "PJ08CxXr7KLPjEQCTc8LkUSMwSM=")]
    [InlineData("HTTP://username:password@MyCompany.com/myapp.php?foo=1&bar=2", "hy/l8pca+LFms4cvRdv8uiP6NGc=")]
    public void Passes_the_published_signatures(string url, string signature) =>
        Assert.True(Sdk.Validate(url, Parameters, signature));

    [Theory]
    [InlineData(Url, "kvajT1Ptam85bY51eRf/AJRuM3w=")] // signed with :443, request seen without a port
    [InlineData("http://mycompany.com/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=")]
    [InlineData("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData("http://MyCompany.com/myapp.php?foo=1&bar=2", "kwoQzXtJWD1pkO5cgHeuD6cfBOk=")]
    public void Passes_the_https_and_http_port_variants(string requestUrl, string signature) =>
        Assert.True(Sdk.Validate(requestUrl, Parameters, signature));

    /// <summary>
    /// FAILS with the SDK: a request URL that spells out the default port (a proxy passing <c>Host: host:443</c>)
    /// while Twilio signed it without. <see cref="Uri"/> drops a default port, so the SDK takes the URL for one
    /// without a port and tries only adding it, never removing it.
    /// </summary>
    [Theory]
    [InlineData("http://mycompany.com:80/myapp.php?foo=1&bar=2", "OyGYPqTF6ztdbRNCvuQO/oPvqQ4=")]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    public void Fails_a_request_url_with_the_default_port_signed_without(string requestUrl, string signature)
    {
        Assert.False(Sdk.Validate(requestUrl, Parameters, signature));
        Assert.True(Ours.Validate(requestUrl, Parameters.ToDictionary(p => p.Key, p => new StringValues(p.Value)), signature));
    }

    [Fact]
    public void Passes_the_json_body_vector()
    {
        const string body = """{"property": "value", "boolean": true}""";
        const string url = "https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
        Assert.True(Sdk.Validate(url, body, "a9nBmqA0ju/hNViExpshrM61xv4="));
        Assert.True(Sdk.Validate(url, body, "uzN7O1319XdYoYMfTT2eUM1PJT0=")); // signed with :443
    }

    [Fact]
    public void Passes_a_wss_url_exactly_as_signed()
    {
        const string wss = "wss://bridge.example/twilio/media/c1/tok";
        Assert.True(Sdk.Validate(wss, new Dictionary<string, string>(), Ours.ComputeSignature(wss)));
    }

    /// <summary>
    /// FAILS with the SDK: its <c>IDictionary&lt;string, string&gt;</c> overload holds one value per name and its
    /// <c>NameValueCollection</c> overload joins repeated values with commas, so a webhook that repeats a parameter
    /// (Twilio signs each value, sorted) is refused.
    /// </summary>
    [Fact]
    public void Fails_repeated_parameter_names()
    {
        var form = new NameValueCollection { { "Sid", "CA123" }, { "SidAccount", "AC123" }, { "Digits", "5678" }, { "Digits", "1234" } };
        Assert.False(Sdk.Validate(Url, form, "IK+Dwps556ElfBT0I3Rgjkr1wJU="));
        Assert.True(Sdk.Validate(Url, form, "YLMqXag434cTVesiMDG5hUT7Fq8=")); // what it signs: "Digits5678,1234"

        var ours = new Dictionary<string, StringValues> { ["Sid"] = "CA123", ["SidAccount"] = "AC123", ["Digits"] = new(["5678", "1234"]) };
        Assert.True(Ours.Validate(Url, ours, "IK+Dwps556ElfBT0I3Rgjkr1wJU="));
    }

    /// <summary>
    /// FAILS with the SDK: for a URL without a port its variant adds 443 only when the scheme is <c>https</c>, and 80
    /// otherwise, so <c>wss://host/…</c> is also tried as <c>wss://host:80/…</c> and never as <c>wss://host:443/…</c>.
    /// A media upgrade signed with the default port spelled out would be refused.
    /// </summary>
    [Fact]
    public void Fails_the_wss_default_port_variant()
    {
        const string seen = "wss://bridge.example/twilio/media/c1/tok";
        var signedWith443 = Ours.ComputeSignature("wss://bridge.example:443/twilio/media/c1/tok");
        var signedWith80 = Ours.ComputeSignature("wss://bridge.example:80/twilio/media/c1/tok");

        Assert.False(Sdk.Validate(seen, new Dictionary<string, string>(), signedWith443));
        Assert.True(Sdk.Validate(seen, new Dictionary<string, string>(), signedWith80));
        Assert.True(Ours.Validate(seen, null, signedWith443));
        Assert.False(Ours.Validate(seen, null, signedWith80));
    }

    [Fact]
    public void Throws_on_an_empty_signature_where_ours_returns_false()
    {
        Assert.Throws<ArgumentException>(() => Sdk.Validate(Url, Parameters, ""));
        Assert.False(Ours.Validate(Url, null, ""));
    }

    [Fact]
    public void Body_hash_takes_text_so_bytes_that_are_not_utf8_cannot_be_checked()
    {
        byte[] body = [0x7b, 0xff, 0x7d]; // not UTF-8: decoding replaces 0xff, so the SDK hashes other bytes
        var hash = TwilioRequestValidator.ComputeBodyHash(body);
        Assert.False(SdkRequestValidator.ValidateBody(Encoding.UTF8.GetString(body), hash));
    }
}
