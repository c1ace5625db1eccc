namespace PhoneBridge.Core.Privacy;

/// <summary>Masks personal data before it reaches logs or other participants.</summary>
public static class Redaction
{
    /// <summary>
    /// Keeps the last four digits of a phone number ("+15551234567" → "***4567"), enough to tell calls
    /// apart without revealing the number. Short or empty input gives "***".
    /// </summary>
    public static string MaskPhoneNumber(string? number)
    {
        if (string.IsNullOrEmpty(number))
        {
            return "***";
        }

        Span<char> last = stackalloc char[4];
        var found = 0;
        for (var i = number.Length - 1; i >= 0 && found < 4; i--)
        {
            if (char.IsAsciiDigit(number[i]))
            {
                last[3 - found] = number[i];
                found++;
            }
        }

        // With fewer than eight digits, four of them would be most of the number.
        var digits = number.Count(char.IsAsciiDigit);
        return found == 4 && digits >= 8 ? string.Concat("***", last) : "***";
    }
}
