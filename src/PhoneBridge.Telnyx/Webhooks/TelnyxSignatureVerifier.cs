using System.Buffers;
using System.Text;
using NSec.Cryptography;

namespace PhoneBridge.Telnyx.Webhooks;

/// <summary>
/// Verifies <c>telnyx-signature-ed25519</c>: Ed25519 over <c>{telnyx-timestamp}|{raw body}</c> with the account
/// public key, in the order the Telnyx SDKs check (headers, two-sided ±300 s window, key, signature length, signature).
/// The timestamp is signed exactly as received and the body byte for byte, so a re-serialized body fails.
/// </summary>
public sealed class TelnyxSignatureVerifier
{
    public const string SignatureHeader = "telnyx-signature-ed25519";
    public const string TimestampHeader = "telnyx-timestamp";

    /// <summary>Allowed distance between the signed timestamp and our clock, in both directions.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(300);

    private const int SignatureLength = 64;
    private const int PublicKeyLength = 32;

    // A Unix time in seconds fits comfortably in 19 digits; longer headers are hostile.
    private const int MaxTimestampLength = 19;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    private readonly PublicKey _publicKey;
    private readonly TimeProvider _timeProvider;

    public TelnyxSignatureVerifier(PublicKey publicKey, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (publicKey.Algorithm != Algorithm)
        {
            throw new ArgumentException("The Telnyx webhook key must be an Ed25519 public key.", nameof(publicKey));
        }

        _publicKey = publicKey;
        _timeProvider = timeProvider;
    }

    /// <summary>Builds a verifier from the base64 key shown in the Telnyx portal.</summary>
    public static TelnyxSignatureVerifier FromBase64(string publicKeyBase64, TimeProvider timeProvider)
    {
        if (!TryDecodePublicKey(publicKeyBase64, out var key))
        {
            throw new ArgumentException("The Telnyx public key must be the base64 of 32 raw Ed25519 bytes.", nameof(publicKeyBase64));
        }

        return new TelnyxSignatureVerifier(key, timeProvider);
    }

    public static bool TryDecodePublicKey(string? publicKeyBase64, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PublicKey? key)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(publicKeyBase64))
        {
            return false;
        }

        Span<byte> raw = stackalloc byte[PublicKeyLength + 3];
        return Convert.TryFromBase64String(publicKeyBase64.Trim(), raw, out var written)
            && written == PublicKeyLength
            && PublicKey.TryImport(Algorithm, raw[..PublicKeyLength], KeyBlobFormat.RawPublicKey, out key)
            && key is not null;
    }

    public TelnyxSignatureResult Verify(string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return TelnyxSignatureResult.MissingHeaders;
        }

        if (!TryParseUnixSeconds(timestamp, out var seconds))
        {
            return TelnyxSignatureResult.MalformedTimestamp;
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - seconds) > (long)Tolerance.TotalSeconds)
        {
            return TelnyxSignatureResult.TimestampOutOfTolerance;
        }

        Span<byte> signatureBytes = stackalloc byte[SignatureLength + 3];
        if (!Convert.TryFromBase64String(signature.Trim(), signatureBytes, out var signatureLength)
            || signatureLength != SignatureLength)
        {
            return TelnyxSignatureResult.MalformedSignature;
        }

        // The timestamp is ASCII digits (checked above), so its UTF-8 form is one byte per char.
        var messageLength = timestamp.Length + 1 + body.Length;
        var rented = ArrayPool<byte>.Shared.Rent(messageLength);
        try
        {
            var message = rented.AsSpan(0, messageLength);
            Encoding.ASCII.GetBytes(timestamp, message);
            message[timestamp.Length] = (byte)'|';
            body.CopyTo(message[(timestamp.Length + 1)..]);
            return Algorithm.Verify(_publicKey, message, signatureBytes[..SignatureLength])
                ? TelnyxSignatureResult.Valid
                : TelnyxSignatureResult.InvalidSignature;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool TryParseUnixSeconds(string value, out long seconds)
    {
        seconds = 0;
        if (value.Length > MaxTimestampLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            seconds = (seconds * 10) + (c - '0');
        }

        return true;
    }
}
