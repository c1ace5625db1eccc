namespace PhoneBridge.Rtc.Srtp;

/// <summary>
/// The cryptographic transform of one profile for one direction and packet kind, working on session keys in place.
/// Index bookkeeping (ROC, replay) is the caller's; this class only encrypts, decrypts and authenticates.
/// </summary>
internal abstract class SrtpTransform : IDisposable
{
    public abstract int TagLength { get; }

    /// <summary>Encrypts the payload after <paramref name="headerLength"/> and appends the tag; returns the new length.</summary>
    public abstract int ProtectRtp(Span<byte> packet, int length, int headerLength, uint ssrc, ulong index);

    /// <summary>Verifies the trailing tag and, only if it verifies, decrypts the payload in place.</summary>
    public abstract bool UnprotectRtp(Span<byte> packet, int length, int headerLength, uint ssrc, ulong index);

    /// <summary>Encrypts bytes 8.. of a compound RTCP packet, appends the E flag, SRTCP index and tag.</summary>
    public abstract int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index);

    /// <summary>Offset of the E flag + SRTCP index word in a protected packet of <paramref name="length"/> bytes.</summary>
    public abstract int RtcpIndexOffset(int length);

    /// <summary>Verifies and (when <paramref name="encrypted"/>) decrypts; returns the RTCP length, or -1 on failure.</summary>
    public abstract int UnprotectRtcp(Span<byte> packet, int length, uint ssrc, uint index, bool encrypted);

    public abstract void Dispose();

    public static SrtpTransform CreateRtp(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt) =>
        Create(profile, masterKey, masterSalt, SrtpKeyDerivation.RtpEncryption, SrtpKeyDerivation.RtpAuthentication, SrtpKeyDerivation.RtpSalt);

    public static SrtpTransform CreateRtcp(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt) =>
        Create(profile, masterKey, masterSalt, SrtpKeyDerivation.RtcpEncryption, SrtpKeyDerivation.RtcpAuthentication, SrtpKeyDerivation.RtcpSalt);

    private static SrtpTransform Create(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt,
        byte encryptionLabel, byte authenticationLabel, byte saltLabel)
    {
        Span<byte> key = stackalloc byte[profile.MasterKeyLength()];
        Span<byte> salt = stackalloc byte[profile.MasterSaltLength()];
        SrtpKeyDerivation.Derive(masterKey, masterSalt, encryptionLabel, key);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, saltLabel, salt);
        try
        {
            switch (profile)
            {
                case SrtpProfile.AesCm128HmacSha1_80:
                    Span<byte> authKey = stackalloc byte[AesCmHmacSha1Transform.AuthKeyLength];
                    SrtpKeyDerivation.Derive(masterKey, masterSalt, authenticationLabel, authKey);
                    var cm = new AesCmHmacSha1Transform(key, salt, authKey);
                    authKey.Clear();
                    return cm;
                case SrtpProfile.AeadAes128Gcm:
                    return new AeadAesGcmTransform(key, salt);
                default:
                    throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unsupported SRTP protection profile.");
            }
        }
        finally
        {
            key.Clear();
            salt.Clear();
        }
    }
}
