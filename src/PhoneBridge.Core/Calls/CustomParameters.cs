using System.Text.RegularExpressions;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// Custom parameters a call carries to the agent (Twilio's stream <c>&lt;Parameter&gt;</c>s, Telnyx's
/// <c>client_state</c>): what <c>POST /calls</c> and <c>Twilio:StreamParameters</c> accept.
/// </summary>
public static partial class CustomParameters
{
    /// <summary>At most this many parameters per call.</summary>
    public const int MaxCount = 20;

    /// <summary>Twilio: "the combined length of each Parameter name and value attributes must be under 500 characters".</summary>
    public const int MaxNameAndValueLength = 499;

    /// <summary>The bridge's own parameter (our call id in the media stream); nobody else may set it.</summary>
    public const string ReservedName = "callId";

    /// <summary>Null when <paramref name="parameters"/> fits; otherwise what is wrong, without quoting any value.</summary>
    public static string? Problem(IReadOnlyDictionary<string, string?>? parameters)
    {
        if (parameters is null || parameters.Count == 0)
        {
            return null;
        }

        if (parameters.Count > MaxCount)
        {
            return $"Expected at most {MaxCount} parameters.";
        }

        foreach (var (name, value) in parameters)
        {
            if (!Name().IsMatch(name))
            {
                return "Parameter names are 1-64 characters of A-Z, a-z, 0-9, '_', '-' and '.'.";
            }

            if (string.Equals(name, ReservedName, StringComparison.OrdinalIgnoreCase))
            {
                return $"\"{ReservedName}\" is the bridge's own parameter.";
            }

            if (value is null)
            {
                return "Parameter values are strings.";
            }

            if (name.Length + value.Length > MaxNameAndValueLength)
            {
                return $"A parameter's name and value together must be under {MaxNameAndValueLength + 1} characters.";
            }

            if (value.Any(char.IsControl))
            {
                return "Parameter values may not contain control characters.";
            }
        }

        return null;
    }

    /// <summary>A read-only copy, or null for none.</summary>
    public static IReadOnlyDictionary<string, string>? Copy(IReadOnlyDictionary<string, string?>? parameters) =>
        parameters is null || parameters.Count == 0
            ? null
            : parameters.ToDictionary(p => p.Key, p => p.Value ?? string.Empty, StringComparer.Ordinal);

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}\z")]
    private static partial Regex Name();
}
