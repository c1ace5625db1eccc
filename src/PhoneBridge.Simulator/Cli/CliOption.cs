using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace PhoneBridge.Simulator.Cli;

/// <summary>
/// Options with their range checked while parsing, so a bad value is a usage error (exit 2) with the option's
/// name in the message, before anything is dialled.
/// </summary>
internal static class CliOption
{
    public static Option<string?> Text(string name, string description, string helpName) =>
        new("--" + name) { Description = description, HelpName = helpName };

    public static Option<T> Number<T>(string name, string description, T fallback, T min, T max)
        where T : struct, INumber<T> =>
        new("--" + name)
        {
            Description = description,
            HelpName = "N",
            DefaultValueFactory = _ => fallback,
            CustomParser = result => Parse(result, name, min, max) ?? fallback,
        };

    /// <summary>A number whose default depends on other options; null when not given.</summary>
    public static Option<T?> OptionalNumber<T>(string name, string description, T min, T max)
        where T : struct, INumber<T> =>
        new("--" + name)
        {
            Description = description,
            HelpName = "N",
            CustomParser = result => Parse(result, name, min, max),
        };

    public static Option<Uri> Url(string name, string description, string fallback) =>
        new("--" + name)
        {
            Description = description,
            HelpName = "URL",
            DefaultValueFactory = _ => new Uri(fallback),
            CustomParser = result => ParseUrl(result, name) ?? new Uri(fallback),
        };

    public static Option<Uri?> OptionalUrl(string name, string description) =>
        new("--" + name) { Description = description, HelpName = "URL", CustomParser = result => ParseUrl(result, name) };

    /// <summary>A switch: <c>--name</c> alone, or <c>--name true|false</c>.</summary>
    public static Option<bool> Flag(string name, string description) => new("--" + name) { Description = description };

    private static T? Parse<T>(ArgumentResult result, string name, T min, T max)
        where T : struct, INumber<T>
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        var whole = typeof(T) == typeof(int) || typeof(T) == typeof(long);
        var style = whole ? NumberStyles.Integer : NumberStyles.Float;
        if (!T.TryParse(text, style, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture,
                $"--{name} must be {(whole ? "a whole number" : "a number")} from {min} to {max}, got '{text}'."));
            return null;
        }

        return value;
    }

    private static Uri? ParseUrl(ArgumentResult result, string name)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            result.AddError($"--{name} must be an http(s) URL, got '{text}'.");
            return null;
        }

        return url;
    }
}
