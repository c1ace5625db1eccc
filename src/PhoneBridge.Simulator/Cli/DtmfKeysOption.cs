using System.CommandLine;

namespace PhoneBridge.Simulator.Cli;

/// <summary>An option whose value is a string of DTMF keys; anything else is a usage error naming the option.</summary>
internal static class DtmfKeysOption
{
    public const string Keys = "0123456789*#ABCD";

    public static Option<string?> Create(string name, string description)
    {
        var option = CliOption.Text(name, description, "KEYS");
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } keys && keys.Any(key => !Keys.Contains(key, StringComparison.Ordinal)))
            {
                result.AddError($"--{name} takes the keys 0-9 * # A-D, got '{keys}'.");
            }
        });
        return option;
    }
}
