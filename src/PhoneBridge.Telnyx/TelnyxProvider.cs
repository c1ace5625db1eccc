namespace PhoneBridge.Telnyx;

internal static class TelnyxProvider
{
    /// <summary>Provider name in registrations, logs and metrics.</summary>
    public const string Name = "telnyx";
}
