using Microsoft.AspNetCore.Http;
using PhoneBridge.Twilio.Security;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// What <c>TwilioSignatureFilter</c> does with a webhook: <see cref="HttpRequest.ReadFormAsync(CancellationToken)"/>
/// on the body (ASP.NET Core's form reader with its default limits), then <see cref="TwilioRequestValidator.Validate"/>
/// over the URL (whose query comes from the request) and the <c>X-Twilio-Signature</c> header, and the JSON-body
/// variant. The filter catches nothing, so any exception would be a 500.
/// Input: <c>query \n signature \n form body</c>.
/// </summary>
internal static class TwilioWebhookTarget
{
    private const string BaseUrl = "https://mycompany.com/myapp.php";

    public static FuzzTarget Create()
    {
        var validator = new TwilioRequestValidator("12345");
        const string Form = "CallSid=CA1234567890ABCDE&From=%2B14158675309&Digits=1234&To=%2B18005551212&Caller=%2B14158675309";
        var seeds = new[]
        {
            // telephony-protocols.md §5.1 #1, #5 and #13, and §5.2 (bodySHA256), with their real signatures.
            WebhookInput.Seed("foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", Form),
            WebhookInput.Seed("foo=1&bar=2", "IK+Dwps556ElfBT0I3Rgjkr1wJU=", "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234"),
            WebhookInput.Seed("foo=1&bar=2", "L/OH5YylLD5NRKLltdqwSvS0BnU=", "Digits=1234&To=%2B18005551212&From=%2B14158675310&Caller=%2B14158675310&CallSid=CA1234567890ABCDE"),
            WebhookInput.Seed("foo=1&bar=2&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620", "a9nBmqA0ju/hNViExpshrM61xv4=", """{"property": "value", "boolean": true}"""),
            WebhookInput.Seed("", "NGAgWNhdnsLF8j385frvrQoi9sg=",
                "AccountSid=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX&ApiVersion=2010-04-01&CallSid=CA1234567890ABCDE&CallStatus=ringing&Called=%2B18005551212&Caller=%2B14158675310&Direction=inbound&From=%2B14158675310&FromCity=SAN+FRANCISCO&FromCountry=US&To=%2B18005551212"),
        };
        return new FuzzTarget("twilio-webhook", "ReadFormAsync + TwilioRequestValidator", seeds, input => Run(input, validator), 1024 * 1024, Text: true);
    }

    private static void Run(ReadOnlySpan<byte> input, TwilioRequestValidator validator)
    {
        var parts = new WebhookInput(input);
        var url = parts.First.Length == 0 ? BaseUrl : BaseUrl + "?" + parts.First;
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/x-www-form-urlencoded";
        context.Request.Body = new MemoryStream(parts.Body.ToArray(), writable: false);
        var form = context.Request.ReadFormAsync().GetAwaiter().GetResult();
        _ = validator.Validate(url, form, parts.Second);
        _ = validator.ValidateJsonBody(url, parts.Body, parts.Second);
        _ = form["CallSid"].ToString();
    }
}
