using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Telnyx.Webhooks;

public static class TelnyxSignatureFilterExtensions
{
    /// <summary>Requires a valid Ed25519 <c>telnyx-signature-ed25519</c> over <c>telnyx-timestamp</c> and the body (403 otherwise).</summary>
    public static TBuilder ValidateTelnyxSignature<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter<TBuilder, TelnyxSignatureFilter>()
            .WithMetadata(new SignatureHeaderMetadata(
                TelnyxSignatureVerifier.SignatureHeader,
                "Base64 Ed25519 signature of \"{telnyx-timestamp}|{body}\" by the account's key (Telnyx:PublicKey verifies it)."))
            .WithMetadata(new SignatureHeaderMetadata(
                TelnyxSignatureVerifier.TimestampHeader,
                "Unix time of the signature; old timestamps are refused."));
    }
}
