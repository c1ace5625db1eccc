using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace PhoneBridge.Twilio.Security;

public static class TwilioSignatureFilterExtensions
{
    /// <summary>Requires a valid <c>X-Twilio-Signature</c> on the endpoint (403 otherwise; 400 for a form it cannot read).</summary>
    public static TBuilder ValidateTwilioSignature<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter<TBuilder, TwilioSignatureFilter>();
    }
}
