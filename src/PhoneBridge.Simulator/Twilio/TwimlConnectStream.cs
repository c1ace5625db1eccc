using System.Xml;
using System.Xml.Linq;

namespace PhoneBridge.Simulator.Twilio;

/// <summary>The two-way stream a TwiML answer asks for: <c>&lt;Connect&gt;&lt;Stream url&gt;</c> and its parameters.</summary>
public sealed record TwimlConnectStream(Uri Url, IReadOnlyDictionary<string, string> Parameters, string? Name)
{
    /// <summary>Reads the first <c>&lt;Connect&gt;&lt;Stream&gt;</c>; throws <see cref="SimulatorException"/> when the TwiML has none.</summary>
    public static TwimlConnectStream Parse(string twiml)
    {
        XDocument document;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(twiml), settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException ex)
        {
            throw new SimulatorException($"The voice webhook did not return well-formed TwiML: {ex.Message}", ex);
        }

        var root = document.Root;
        if (root is null || root.Name.LocalName != "Response")
        {
            throw new SimulatorException($"TwiML root must be <Response>, got <{root?.Name.LocalName}>.");
        }

        var stream = root.Elements("Connect").Elements("Stream").FirstOrDefault()
            ?? throw new SimulatorException(
                $"TwiML has no <Connect><Stream>; verbs: {string.Join(", ", root.Elements().Select(e => e.Name.LocalName))}.");

        var url = (string?)stream.Attribute("url");
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new SimulatorException($"<Stream url> is missing or not absolute: '{url}'.");
        }

        if (uri.Scheme is not ("wss" or "ws"))
        {
            throw new SimulatorException($"<Stream url> must be a WebSocket URL (wss://), got scheme '{uri.Scheme}'.");
        }

        if (!string.IsNullOrEmpty(uri.Query))
        {
            // Twilio refuses query strings on stream URLs (error 31920); so does the simulator.
            throw new SimulatorException("<Stream url> must not have a query string; Twilio passes data in <Parameter>.");
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in stream.Elements("Parameter"))
        {
            var name = (string?)parameter.Attribute("name");
            if (string.IsNullOrEmpty(name))
            {
                throw new SimulatorException("<Parameter> without a name.");
            }

            parameters[name] = (string?)parameter.Attribute("value") ?? string.Empty;
        }

        return new TwimlConnectStream(uri, parameters, (string?)stream.Attribute("name"));
    }
}
