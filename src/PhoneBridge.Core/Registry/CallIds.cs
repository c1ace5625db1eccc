using System.Buffers.Text;
using System.Security.Cryptography;

namespace PhoneBridge.Core.Registry;

/// <summary>Random identifiers and secrets for registered calls, all URL-path safe.</summary>
public static class CallIds
{
    /// <summary>Longest call id accepted from outside; ids travel in URL paths and logs.</summary>
    public const int MaxCallIdLength = 128;

    /// <summary>A new media-socket token: 32 random bytes, base64url without padding (43 characters).</summary>
    public static string NewToken() => RandomBase64Url(32);

    /// <summary>
    /// A new call id: 16 random bytes, base64url without padding (22 characters), beginning with a letter or digit.
    /// The id is also part of a Stream call id, a recording's file name and a command-line argument, where a leading
    /// <c>-</c> reads as an option; one draw in 32 is drawn again.
    /// </summary>
    public static string NewCallId()
    {
        string callId;
        do
        {
            callId = RandomBase64Url(16);
        }
        while (!char.IsAsciiLetterOrDigit(callId[0]));

        return callId;
    }

    /// <summary>True when <paramref name="callId"/> is non-empty, short and only uses <c>A-Z a-z 0-9 - _ .</c>.</summary>
    public static bool IsValidCallId(string? callId)
    {
        if (string.IsNullOrEmpty(callId) || callId.Length > MaxCallIdLength)
        {
            return false;
        }

        foreach (var c in callId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static string RandomBase64Url(int bytes)
    {
        Span<byte> random = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(random);
        return Base64Url.EncodeToString(random);
    }
}
