using System.Text.RegularExpressions;
using PhoneBridge.Audio.Tones;

namespace PhoneBridge.Core.Calls;

/// <summary>What the management API accepts as a destination, DTMF digits and Stream call names.</summary>
public static partial class CallInput
{
    // The tone generator's limits: what the API accepts is what the in-band path can play.
    public const int MaxDtmfDigits = DtmfToneGenerator.MaxKeys;
    public const int MinToneMs = DtmfToneGenerator.MinToneMilliseconds;
    public const int MaxToneMs = DtmfToneGenerator.MaxToneMilliseconds;
    public const int DefaultToneMs = DtmfToneGenerator.DefaultToneMilliseconds;
    public const int MinTimeoutSeconds = 5;
    public const int MaxTimeoutSeconds = 600;

    // Longest sip: address accepted; providers put it in TwiML or JSON, so it must stay short.
    private const int MaxSipLength = 256;

    /// <summary>An E.164 number (<c>+[1-9]\d{1,14}</c>) or a <c>sip:user@host</c> address.</summary>
    public static bool IsDestination(string? value) =>
        value is not null && (E164().IsMatch(value) || IsSipAddress(value));

    /// <summary>1–64 of <c>0-9 * # A-D</c> (upper case, as Q.23 names the keys).</summary>
    public static bool IsDtmf(string? digits) =>
        digits is { Length: > 0 and <= MaxDtmfDigits } && digits.All(key => DtmfKeys.IndexOf(key) >= 0);

    /// <summary>A Stream call type: <c>[a-z0-9_-]</c>, 1–64 characters.</summary>
    public static bool IsStreamCallType(string? value) => value is not null && StreamCallType().IsMatch(value);

    /// <summary>A Stream call id: <c>[A-Za-z0-9_-]</c>, 1–64 characters.</summary>
    public static bool IsStreamCallId(string? value) => value is not null && StreamCallId().IsMatch(value);

    private static bool IsSipAddress(string value)
    {
        if (value.Length > MaxSipLength || !value.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > "sip:".Length && SipAddress().IsMatch(value) && Uri.CheckHostName(HostOf(value.AsSpan(at + 1)).ToString()) != UriHostNameType.Unknown;
    }

    private static ReadOnlySpan<char> HostOf(ReadOnlySpan<char> hostPart)
    {
        // host[:port][;params]
        var end = hostPart.IndexOfAny(':', ';');
        return end < 0 ? hostPart : hostPart[..end];
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}\z")]
    private static partial Regex E164();

    [GeneratedRegex(@"^[a-z0-9_-]{1,64}\z")]
    private static partial Regex StreamCallType();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex StreamCallId();

    // user@host[:port][;params]: no spaces, quotes, angle brackets or other characters that would break TwiML or a header.
    [GeneratedRegex(@"^[sS][iI][pP]:[A-Za-z0-9\-_.!~*()=+$,;?/%]+@[A-Za-z0-9\-.\[\]:]+(;[A-Za-z0-9\-_.=]+)*\z")]
    private static partial Regex SipAddress();
}
