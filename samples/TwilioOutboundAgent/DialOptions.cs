namespace PhoneBridge.Samples.TwilioOutboundAgent;

/// <summary>Who to call (section <c>Dial</c>, or <c>--to</c>/<c>--from</c> on the command line).</summary>
public sealed class DialOptions
{
    public const string SectionName = "Dial";

    /// <summary>The number to call, E.164.</summary>
    public string? To { get; set; }

    /// <summary>A Twilio number (or verified caller id) of the account, E.164.</summary>
    public string? From { get; set; }

    public static bool IsValid(DialOptions options) => IsE164(options.To) && IsE164(options.From);

    private static bool IsE164(string? number) =>
        number is { Length: >= 8 and <= 16 } && number[0] == '+' && number.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;
}
