namespace PhoneBridge.Samples.TelnyxAgent;

/// <summary>An optional call to place on start (section <c>Dial</c>, or <c>--to</c>/<c>--from</c>).</summary>
public sealed class DialOptions
{
    public const string SectionName = "Dial";

    /// <summary>The number to call, E.164; none means answer incoming calls only.</summary>
    public string? To { get; set; }

    /// <summary>A Telnyx number of the account, E.164.</summary>
    public string? From { get; set; }

    public bool IsRequested => To is not null || From is not null;

    public static bool IsValid(DialOptions options) =>
        !options.IsRequested || (IsE164(options.To) && IsE164(options.From));

    private static bool IsE164(string? number) =>
        number is { Length: >= 8 and <= 16 } && number[0] == '+' && number.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;
}
