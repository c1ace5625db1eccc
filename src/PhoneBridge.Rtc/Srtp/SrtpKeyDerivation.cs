namespace PhoneBridge.Rtc.Srtp;

/// <summary>The SRTP key derivation function with the AES-CM PRF and a key derivation rate of zero (RFC 3711 §4.3).</summary>
internal static class SrtpKeyDerivation
{
    public const byte RtpEncryption = 0x00;
    public const byte RtpAuthentication = 0x01;
    public const byte RtpSalt = 0x02;
    public const byte RtcpEncryption = 0x03;
    public const byte RtcpAuthentication = 0x04;
    public const byte RtcpSalt = 0x05;

    /// <summary>
    /// Derives one session key. The master salt is taken left-aligned in the 112-bit field, so the 96-bit salts of
    /// the AEAD profiles (RFC 7714 §12) are zero-padded the same way libsrtp pads them.
    /// </summary>
    public static void Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (masterSalt.Length > 14)
        {
            throw new ArgumentException("An SRTP master salt is at most 14 bytes.", nameof(masterSalt));
        }

        // x = key_id XOR master_salt with key_id = label || index DIV kdr (= 0); IV = x * 2^16.
        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        masterSalt.CopyTo(iv);
        iv[7] ^= label;
        using var prf = new AesCounterMode(masterKey);
        prf.Generate(iv, output);
    }
}
