namespace PhoneBridge.Core.Calls;

/// <summary>
/// The answering-machine detection verdict of an outbound call: <see cref="Result"/> in the bridge's own words
/// (<see cref="Human"/>, <see cref="Machine"/>, <see cref="Fax"/>, <see cref="Unknown"/>), <see cref="ProviderResult"/>
/// as the provider said it.
/// </summary>
public sealed record CallAmd(string Result, string ProviderResult)
{
    public const string Human = "human";
    public const string Machine = "machine";
    public const string Fax = "fax";
    public const string Unknown = "unknown";

    /// <summary>Provider results are short tokens; anything longer is cut so a hostile value cannot bloat the call.</summary>
    public const int MaxProviderResultLength = 64;

    /// <summary>A verdict with the provider's word trimmed to <see cref="MaxProviderResultLength"/>.</summary>
    public static CallAmd Of(string result, string providerResult)
    {
        ArgumentException.ThrowIfNullOrEmpty(result);
        ArgumentNullException.ThrowIfNull(providerResult);
        return new CallAmd(result, providerResult.Length > MaxProviderResultLength ? providerResult[..MaxProviderResultLength] : providerResult);
    }
}
