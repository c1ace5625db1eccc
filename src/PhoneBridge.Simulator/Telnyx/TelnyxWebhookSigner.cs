using System.Globalization;
using System.Text;
using NSec.Cryptography;

namespace PhoneBridge.Simulator.Telnyx;

/// <summary>
/// Signs webhooks as Telnyx does: Ed25519 over <c>{timestamp}|{raw body}</c>, sent in
/// <c>telnyx-signature-ed25519</c> with the timestamp in <c>telnyx-timestamp</c>.
/// </summary>
public sealed class TelnyxWebhookSigner : IDisposable
{
    public const string SignatureHeader = "telnyx-signature-ed25519";
    public const string TimestampHeader = "telnyx-timestamp";

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly Key _key;

    private TelnyxWebhookSigner(Key key)
    {
        _key = key;
        PublicKeyBase64 = Convert.ToBase64String(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    /// <summary>The key to configure as <c>Telnyx:PublicKey</c> on the server.</summary>
    public string PublicKeyBase64 { get; }

    /// <summary>A fresh key pair, as a Telnyx account would have.</summary>
    public static TelnyxWebhookSigner CreateRandom() => new(Key.Create(Algorithm));

    /// <summary>A signer from a 32-byte Ed25519 seed (e.g. the RFC 8032 test key) for reproducible signatures.</summary>
    public static TelnyxWebhookSigner FromSeed(ReadOnlySpan<byte> seed) =>
        new(Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey));

    public string Sign(string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(timestamp);
        var prefix = Encoding.ASCII.GetBytes(timestamp + "|");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Convert.ToBase64String(Algorithm.Sign(_key, message));
    }

    /// <summary>Adds the two signature headers for <paramref name="body"/> signed at <paramref name="at"/>.</summary>
    public void AddHeaders(HttpRequestMessage request, ReadOnlySpan<byte> body, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(request);
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, Sign(timestamp, body));
    }

    public void Dispose() => _key.Dispose();
}
