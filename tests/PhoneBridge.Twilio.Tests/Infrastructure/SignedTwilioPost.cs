using Microsoft.Extensions.Primitives;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Twilio.Tests.Infrastructure;

/// <summary>A form POST to <paramref name="path"/> signed as Twilio signs it for the public URL <paramref name="signedUrl"/>.</summary>
internal static class SignedTwilioPost
{
    public static HttpRequestMessage Create(string signedUrl, string path, Dictionary<string, string> form, string token = TwilioTestApp.AuthToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        var parameters = form.ToDictionary(p => p.Key, p => new StringValues(p.Value));
        request.Headers.Add(TwilioRequestValidator.SignatureHeader, new TwilioRequestValidator(token).ComputeSignature(signedUrl, parameters));
        return request;
    }
}
