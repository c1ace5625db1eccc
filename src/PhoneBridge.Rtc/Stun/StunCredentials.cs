using System.Security.Cryptography;
using System.Text;

namespace PhoneBridge.Rtc.Stun;

/// <summary>MESSAGE-INTEGRITY keys (RFC 8489 §9.1.1 short-term, §9.2.2 long-term).</summary>
public static class StunCredentials
{
    /// <summary>Short-term key: the OpaqueString-prepared password as UTF-8 (ICE passwords are ASCII).</summary>
    public static byte[] ShortTermKey(string password) => Encoding.UTF8.GetBytes(SaslPrep(password));

    /// <summary>Long-term key: MD5(username ":" realm ":" SASLprep(password)).</summary>
    public static byte[] LongTermKey(string username, string realm, string password)
    {
        var input = Encoding.UTF8.GetBytes($"{username}:{realm}:{SaslPrep(password)}");
#pragma warning disable CA5351 // MD5 is what RFC 8489 §9.2.2 specifies for the long-term key.
        return MD5.HashData(input);
#pragma warning restore CA5351
    }

    /// <summary>
    /// The parts of SASLprep (RFC 4013) that matter for passwords: characters "mapped to nothing" removed,
    /// non-ASCII spaces mapped to SPACE, then NFKC. ASCII input is returned unchanged without allocating.
    /// NFKC of non-ASCII text needs ICU; on invariant-globalization hosts such text stays as given, so
    /// non-ASCII TURN passwords should be configured already prepared.
    /// </summary>
    public static string SaslPrep(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (Ascii.IsValid(value))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (IsMappedToNothing(c))
            {
                continue;
            }

            builder.Append(char.IsWhiteSpace(c) && c > 0x7F ? ' ' : c);
        }

        return builder.ToString().Normalize(NormalizationForm.FormKC);
    }

    // RFC 3454 table B.1.
    private static bool IsMappedToNothing(char c) =>
        c is '\u00AD' or '\u034F' or '\u1806' or '\u180B' or '\u180C' or '\u180D' or '\u200B' or '\u200C' or '\u200D'
            or '\u2060' or '\uFEFF' || (c >= '\uFE00' && c <= '\uFE0F');
}
