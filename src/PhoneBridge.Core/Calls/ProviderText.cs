using System.Text.RegularExpressions;
using PhoneBridge.Core.Privacy;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// Makes a provider's error text safe to hand on (<see cref="PhoneProviderException.ProviderMessage"/>): providers
/// quote the numbers of the request in their messages ("Invalid 'To' Phone Number: +1415…"), and phone numbers never
/// leave the bridge unmasked.
/// </summary>
public static partial class ProviderText
{
    /// <summary>
    /// Masks every phone number in <paramref name="text"/> as the logs do (<c>***4567</c>): anything that starts with
    /// <c>+</c> and a digit, and bare runs of ten or more digits. Shorter numbers (error codes, dates) stay.
    /// </summary>
    public static string? WithoutPhoneNumbers(string? text) =>
        string.IsNullOrEmpty(text) ? text : PhoneNumberPattern().Replace(text, m => Redaction.MaskPhoneNumber(m.Value));

    [GeneratedRegex(@"\+\d[\d\s().-]*\d|\+\d|(?<![\w.-])\d{10,}(?![\w])", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex PhoneNumberPattern();
}
