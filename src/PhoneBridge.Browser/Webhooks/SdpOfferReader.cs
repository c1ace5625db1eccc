using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PhoneBridge.Browser.Webhooks;

/// <summary>
/// Reads an <see cref="SdpOffer"/> body with a size bound: JSON, a string <c>sdp</c> no longer than
/// <see cref="BrowserOptions.MaxSdpBytes"/>, and a <c>type</c> of <c>offer</c> if any. What the SDP says is checked
/// by the peer connection it is given to.
/// </summary>
internal static class SdpOfferReader
{
    // Room for the JSON around the SDP and its escapes (\r\n becomes four bytes).
    private const int JsonOverhead = 4096;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The offer's SDP, or the status (400, 413, 415) and why.</summary>
    public static async Task<(string? Sdp, int Status, string? Problem)> ReadAsync(HttpRequest request, int maxSdpBytes, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (null, StatusCodes.Status415UnsupportedMediaType, "Expected application/json: { \"sdp\": \"<the offer>\" }.");
        }

        var limit = (maxSdpBytes * 2) + JsonOverhead;
        if (request.ContentLength > limit)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, $"The offer is larger than {maxSdpBytes} bytes.");
        }

        var buffer = new byte[limit + 1];
        var length = 0;
        int read;
        while (length < buffer.Length
            && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
        }

        if (length > limit)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, $"The offer is larger than {maxSdpBytes} bytes.");
        }

        SdpOffer? offer;
        try
        {
            offer = JsonSerializer.Deserialize<SdpOffer>(buffer.AsSpan(0, length), Json);
        }
        catch (JsonException)
        {
            return (null, StatusCodes.Status400BadRequest, "The body is not JSON of the form { \"sdp\": \"<the offer>\" }.");
        }

        if (offer?.Sdp is not { Length: > 0 } sdp)
        {
            return (null, StatusCodes.Status400BadRequest, "The body has no \"sdp\".");
        }

        if (offer.Type is not null && !string.Equals(offer.Type, "offer", StringComparison.Ordinal))
        {
            return (null, StatusCodes.Status400BadRequest, "Expected \"type\": \"offer\".");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(sdp) > maxSdpBytes)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, $"The offer is larger than {maxSdpBytes} bytes.");
        }

        return (sdp, StatusCodes.Status200OK, null);
    }
}
