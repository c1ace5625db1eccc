using System.Text;
using System.Xml;

namespace PhoneBridge.Twilio.Voice;

/// <summary>TwiML documents the bridge answers with, written through <see cref="XmlWriter"/> so values are always escaped.</summary>
public static class Twiml
{
    public const string ContentType = "application/xml";

    /// <summary>
    /// <c>&lt;Response&gt;&lt;Connect&gt;&lt;Stream url=…&gt;&lt;Parameter …/&gt;&lt;/Stream&gt;&lt;/Connect&gt;&lt;/Response&gt;</c>:
    /// a two-way media stream to <paramref name="streamUrl"/>. The call ends when our socket closes because nothing follows.
    /// </summary>
    public static string ConnectStream(string streamUrl, IEnumerable<KeyValuePair<string, string>>? parameters = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamUrl);
        using var text = new Utf8StringWriter();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Encoding = Encoding.UTF8, Indent = false }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("Response");
            xml.WriteStartElement("Connect");
            xml.WriteStartElement("Stream");
            xml.WriteAttributeString("url", streamUrl);
            if (parameters is not null)
            {
                foreach (var (name, value) in parameters)
                {
                    xml.WriteStartElement("Parameter");
                    xml.WriteAttributeString("name", name);
                    xml.WriteAttributeString("value", value);
                    xml.WriteEndElement();
                }
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return text.ToString();
    }

    /// <summary>So the XML declaration says UTF-8, which is what goes on the wire.</summary>
    private sealed class Utf8StringWriter() : StringWriter(System.Globalization.CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
