namespace PhoneBridge.Simulator.Measurement;

/// <summary>
/// Whether the phone heard the DTMF keys it expected: exactly those, in that order, and no other.
/// </summary>
public sealed record DtmfVerdict(string Expected, string Heard)
{
    /// <summary>Null when <see cref="Heard"/> is <see cref="Expected"/>; otherwise what went wrong, for a person.</summary>
    public string? Failure => Heard == Expected
        ? null
        : Heard.Length == 0
            ? $"expected DTMF '{Expected}' but heard no key"
            : Heard.StartsWith(Expected, StringComparison.Ordinal)
                ? $"expected DTMF '{Expected}' but heard '{Heard}': '{Heard[Expected.Length..]}' more"
                : Expected.StartsWith(Heard, StringComparison.Ordinal)
                    ? $"expected DTMF '{Expected}' but heard '{Heard}': '{Expected[Heard.Length..]}' missing"
                    : $"expected DTMF '{Expected}' but heard '{Heard}'";

    public bool Passed => Failure is null;
}
