using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Security;
using PhoneBridge.Twilio;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// A Twilio webhook POST through the real <see cref="TwilioSignatureFilter"/>: ASP.NET Core's form reader with its
/// default limits (<c>ReadFormAsync</c>), then <see cref="TwilioRequestValidator"/> over the URL (its query comes
/// from the request) and the <c>X-Twilio-Signature</c> header, then the voice handler's read of <c>CallSid</c>; and
/// <see cref="TwilioRequestValidator.ValidateJsonBody"/> over the same body. Whatever escapes the filter is a 500.
/// Input: <c>query \n signature \n form body</c>.
/// </summary>
internal static class TwilioWebhookTarget
{
    public static FuzzTarget Create()
    {
        var options = new FixedOptions<TwilioOptions>(new TwilioOptions { AuthToken = "12345" });
        var urls = new PublicUrlResolver(new FixedOptions<PhoneBridgeOptions>(new PhoneBridgeOptions()));
        // The failure limit is set out of reach: every fuzz input comes from one (absent) address, and a 429 would
        // stop the parser from being reached at all.
        var limiter = new FailedAuthLimiter(
            Options.Create(new SecurityOptions { MaxFailedAuthPerMinute = int.MaxValue }), TimeProvider.System, NullLogger<FailedAuthLimiter>.Instance);
        var filter = new TwilioSignatureFilter(
            options,
            Options.Create(new WebhookLimitsOptions()),
            urls,
            limiter,
            new MediaSignatureAlarm(NullLogger<MediaSignatureAlarm>.Instance),
            NullLogger<TwilioSignatureFilter>.Instance);
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
        return new FuzzTarget("twilio-webhook", "TwilioSignatureFilter (ReadFormAsync + TwilioRequestValidator)", seeds,
            input => Run(input, filter, validator), 1024 * 1024, Text: true);
    }

    private static void Run(ReadOnlySpan<byte> input, TwilioSignatureFilter filter, TwilioRequestValidator validator)
    {
        var parts = new WebhookInput(input);
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = "POST";
        request.Scheme = "https";
        request.Host = new HostString("mycompany.com");
        request.Path = "/myapp.php";
        request.QueryString = parts.First.Length == 0 ? QueryString.Empty : new QueryString("?" + parts.First);
        request.Headers[TwilioRequestValidator.SignatureHeader] = parts.Second;
        request.ContentType = "application/x-www-form-urlencoded";
        request.Body = new MemoryStream(parts.Body.ToArray(), writable: false);
        var result = filter.InvokeAsync(new DefaultEndpointFilterInvocationContext(context),
            static c => ValueTask.FromResult<object?>(c.HttpContext.Request.Form["CallSid"].ToString()));
        _ = result.AsTask().GetAwaiter().GetResult();
        _ = validator.ValidateJsonBody("https://mycompany.com/myapp.php" + request.QueryString.ToUriComponent(), parts.Body, parts.Second);
    }

    private sealed class FixedOptions<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
