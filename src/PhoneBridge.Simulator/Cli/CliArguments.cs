using System.Globalization;

namespace PhoneBridge.Simulator.Cli;

/// <summary><c>command --name value ...</c>; every option takes a value.</summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CliArguments(string command) => Command = command;

    public string Command { get; }

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0 || args[0].StartsWith('-'))
        {
            throw new CliException("Missing command: call or load.");
        }

        var parsed = new CliArguments(args[0]);
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
            {
                throw new CliException($"Expected an option (--name value), got '{name}'.");
            }

            if (i + 1 >= args.Count)
            {
                throw new CliException($"Option {name} needs a value.");
            }

            if (!parsed._options.TryAdd(name[2..], args[++i]))
            {
                throw new CliException($"Option {name} given twice.");
            }
        }

        return parsed;
    }

    public string? String(string name)
    {
        _read.Add(name);
        return _options.GetValueOrDefault(name);
    }

    public int Int(string name, int fallback, int min, int max)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new CliException($"--{name} must be a whole number from {min} to {max}, got '{text}'.");
        }

        return value;
    }

    public double Double(string name, double fallback, double min, double max)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new CliException($"--{name} must be a number from {min} to {max}, got '{text}'.");
        }

        return value;
    }

    public Uri Url(string name, string? fallback)
    {
        var text = String(name) ?? fallback ?? throw new CliException($"--{name} is required.");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException($"--{name} must be an http(s) URL, got '{text}'.");
        }

        return url;
    }

    /// <summary>Fails on options the command did not read, so a typo is not silently ignored.</summary>
    public void EnsureAllRead()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToArray();
        if (unknown.Length > 0)
        {
            throw new CliException($"Unknown option(s) for '{Command}': {string.Join(", ", unknown.Select(k => "--" + k))}.");
        }
    }
}
