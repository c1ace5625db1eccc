using System.Security.Cryptography;

namespace PhoneBridge.Rtc.Dtls;

/// <summary>An SDP certificate fingerprint (<c>a=fingerprint:sha-256 AB:CD:...</c>, RFC 8122 §5).</summary>
public sealed class DtlsFingerprint
{
    private readonly byte[] _value;

    private DtlsFingerprint(string algorithm, byte[] value)
    {
        Algorithm = algorithm;
        _value = value;
    }

    /// <summary>Hash function name in lower case, e.g. "sha-256".</summary>
    public string Algorithm { get; }

    public ReadOnlySpan<byte> Value => _value;

    /// <summary>Parses "sha-256 AB:CD:..." (the attribute value without "a=fingerprint:").</summary>
    public static DtlsFingerprint Parse(string sdpValue)
    {
        ArgumentNullException.ThrowIfNull(sdpValue);
        return TryParse(sdpValue, out DtlsFingerprint? fingerprint)
            ? fingerprint
            : throw new FormatException("Not a supported certificate fingerprint (expected \"sha-256 AB:CD:...\").");
    }

    public static bool TryParse(string? sdpValue, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DtlsFingerprint? fingerprint)
    {
        fingerprint = null;
        if (string.IsNullOrWhiteSpace(sdpValue))
        {
            return false;
        }

        string[] parts = sdpValue.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            return false;
        }

        string algorithm = parts[0].ToLowerInvariant();
        int length = HashLength(algorithm);
        string[] octets = parts[1].Split(':');
        if (length == 0 || octets.Length != length)
        {
            return false;
        }

        byte[] value = new byte[length];
        for (int i = 0; i < length; i++)
        {
            if (octets[i].Length != 2 || !byte.TryParse(octets[i], System.Globalization.NumberStyles.AllowHexSpecifier,
                    System.Globalization.CultureInfo.InvariantCulture, out value[i]))
            {
                return false;
            }
        }

        fingerprint = new DtlsFingerprint(algorithm, value);
        return true;
    }

    /// <summary>The fingerprint of a DER certificate under the given hash.</summary>
    public static DtlsFingerprint Compute(string algorithm, ReadOnlySpan<byte> certificateDer)
    {
        algorithm = algorithm.ToLowerInvariant();
        byte[] value = algorithm switch
        {
            "sha-1" => SHA1.HashData(certificateDer),
            "sha-256" => SHA256.HashData(certificateDer),
            "sha-384" => SHA384.HashData(certificateDer),
            "sha-512" => SHA512.HashData(certificateDer),
            _ => throw new ArgumentException($"Unsupported fingerprint hash \"{algorithm}\".", nameof(algorithm)),
        };
        return new DtlsFingerprint(algorithm, value);
    }

    /// <summary>True when <paramref name="certificateDer"/> hashes to this fingerprint (compared in constant time).</summary>
    public bool Matches(ReadOnlySpan<byte> certificateDer)
    {
        DtlsFingerprint actual = Compute(Algorithm, certificateDer);
        return CryptographicOperations.FixedTimeEquals(actual._value, _value);
    }

    /// <summary>Upper-case colon-separated hex, e.g. "AB:CD:...".</summary>
    public string HexValue => string.Join(':', _value.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>The SDP attribute value, e.g. "sha-256 AB:CD:...".</summary>
    public override string ToString() => $"{Algorithm} {HexValue}";

    private static int HashLength(string algorithm) => algorithm switch
    {
        "sha-1" => 20,
        "sha-256" => 32,
        "sha-384" => 48,
        "sha-512" => 64,
        _ => 0,
    };
}
