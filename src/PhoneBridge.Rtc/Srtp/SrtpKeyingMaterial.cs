using System.Security.Cryptography;

namespace PhoneBridge.Rtc.Srtp;

/// <summary>
/// SRTP master keys and salts for both directions of a DTLS-SRTP association (RFC 5764 §4.2).
/// The "client" values protect what the DTLS client sends; the "server" values what the DTLS server sends.
/// </summary>
public sealed class SrtpKeyingMaterial
{
    private readonly byte[] _clientKey;
    private readonly byte[] _clientSalt;
    private readonly byte[] _serverKey;
    private readonly byte[] _serverSalt;

    public SrtpKeyingMaterial(SrtpProfile profile, ReadOnlySpan<byte> clientKey, ReadOnlySpan<byte> clientSalt,
        ReadOnlySpan<byte> serverKey, ReadOnlySpan<byte> serverSalt)
    {
        int keyLength = profile.MasterKeyLength();
        int saltLength = profile.MasterSaltLength();
        if (clientKey.Length != keyLength || serverKey.Length != keyLength)
        {
            throw new ArgumentException($"{profile.RegisteredName()} needs {keyLength}-byte master keys.");
        }

        if (clientSalt.Length != saltLength || serverSalt.Length != saltLength)
        {
            throw new ArgumentException($"{profile.RegisteredName()} needs {saltLength}-byte master salts.");
        }

        Profile = profile;
        _clientKey = clientKey.ToArray();
        _clientSalt = clientSalt.ToArray();
        _serverKey = serverKey.ToArray();
        _serverSalt = serverSalt.ToArray();
    }

    public SrtpProfile Profile { get; }

    public ReadOnlySpan<byte> ClientMasterKey => _clientKey;

    public ReadOnlySpan<byte> ClientMasterSalt => _clientSalt;

    public ReadOnlySpan<byte> ServerMasterKey => _serverKey;

    public ReadOnlySpan<byte> ServerMasterSalt => _serverSalt;

    /// <summary>Total length of the DTLS exporter output this profile needs: 2 × (key + salt).</summary>
    public static int ExporterLength(SrtpProfile profile) => 2 * (profile.MasterKeyLength() + profile.MasterSaltLength());

    /// <summary>
    /// Splits the output of the "EXTRACTOR-dtls_srtp" exporter, laid out as
    /// client_write_key | server_write_key | client_write_salt | server_write_salt (RFC 5764 §4.2).
    /// </summary>
    public static SrtpKeyingMaterial FromExporterOutput(SrtpProfile profile, ReadOnlySpan<byte> material)
    {
        int k = profile.MasterKeyLength();
        int s = profile.MasterSaltLength();
        if (material.Length != ExporterLength(profile))
        {
            throw new ArgumentException($"{profile.RegisteredName()} needs {ExporterLength(profile)} bytes of keying material.", nameof(material));
        }

        return new SrtpKeyingMaterial(profile,
            material[..k], material.Slice(2 * k, s),
            material.Slice(k, k), material.Slice(2 * k + s, s));
    }

    /// <summary>Overwrites the keys once both SRTP sessions have been created from them.</summary>
    public void Clear()
    {
        CryptographicOperations.ZeroMemory(_clientKey);
        CryptographicOperations.ZeroMemory(_clientSalt);
        CryptographicOperations.ZeroMemory(_serverKey);
        CryptographicOperations.ZeroMemory(_serverSalt);
    }
}
