using PhoneBridge.Core.Privacy;

namespace PhoneBridge.Stream;

/// <summary>How a caller appears in the Stream call, following <see cref="StreamOptions.ShowFullNumber"/>.</summary>
public static class StreamPhoneIdentity
{
    /// <summary>The participant name: the full number only when configured, otherwise its last four digits.</summary>
    public static string DisplayName(string? number, StreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(number))
        {
            return "Phone caller";
        }

        return options.ShowFullNumber ? number.Trim() : "Phone " + Redaction.MaskPhoneNumber(number);
    }
}
