using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Security;

namespace PhoneBridge.Twilio.Webhooks;

public static class TwilioSignatureFilterExtensions
{
    /// <summary>Requires a valid <c>X-Twilio-Signature</c> on the endpoint (403 otherwise; 413 or 400 for a body it cannot read; failures count toward the per-address limit).</summary>
    public static TBuilder ValidateTwilioSignature<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.LimitFailedAuth().AddEndpointFilter<TBuilder, TwilioSignatureFilter>()
            .WithMetadata(new SignatureHeaderMetadata(
                TwilioRequestValidator.SignatureHeader,
                "Base64 HMAC-SHA1 of the full URL (and sorted form fields), keyed with the account's auth token."));
    }
}
