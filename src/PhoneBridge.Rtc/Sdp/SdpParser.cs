using System.Globalization;

namespace PhoneBridge.Rtc.Sdp;

/// <summary>Line-oriented SDP reader: strict about structure, lenient about content it does not need.</summary>
internal static class SdpParser
{
    private const int MaxMediaSections = 64;

    public static SessionDescription Parse(string sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        if (sdp.Length > SessionDescription.MaxLength)
        {
            throw new SdpParseException($"document is longer than {SessionDescription.MaxLength} characters", 0);
        }

        var session = new SessionDescription();
        MediaDescription? media = null;
        var lineNumber = 0;
        var sawVersion = false;
        var sawOrigin = false;
        foreach (var rawLine in sdp.Split('\n'))
        {
            lineNumber++;

            // Peers emit trailing spaces (pion's "a=rtcp-fb:96 goog-remb "); they carry no meaning.
            var line = rawLine.TrimEnd('\r', ' ', '\t');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.Length < 2 || line[1] != '=' || !char.IsAsciiLetterLower(line[0]))
            {
                throw new SdpParseException("expected '<letter>=<value>'", lineNumber);
            }

            var type = line[0];
            var value = line[2..];
            if (!sawVersion)
            {
                if (type != 'v' || value != "0")
                {
                    throw new SdpParseException("the first line must be 'v=0'", lineNumber);
                }

                sawVersion = true;
                continue;
            }

            switch (type)
            {
                case 'v':
                    throw new SdpParseException("duplicate 'v=' line", lineNumber);
                case 'o' when media is null:
                    session.Origin = SdpOrigin.TryParse(value) ?? throw new SdpParseException("malformed 'o=' line", lineNumber);
                    sawOrigin = true;
                    break;
                case 's' when media is null:
                    session.SessionName = value;
                    break;
                case 'm':
                    if (session.Media.Count >= MaxMediaSections)
                    {
                        throw new SdpParseException($"more than {MaxMediaSections} media sections", lineNumber);
                    }

                    media = ParseMediaLine(value, lineNumber);
                    session.Media.Add(media);
                    break;
                case 'a':
                    if (value.Length == 0)
                    {
                        throw new SdpParseException("empty attribute", lineNumber);
                    }

                    var attribute = SdpAttribute.Parse(value);
                    if (media is null)
                    {
                        session.Add(attribute);
                    }
                    else
                    {
                        media.Add(attribute);
                    }

                    break;
                default:
                    if (media is null)
                    {
                        session.Lines.Add(new SdpLine(type, value));
                    }
                    else
                    {
                        media.Lines.Add(new SdpLine(type, value));
                    }

                    break;
            }
        }

        if (!sawVersion)
        {
            throw new SdpParseException("empty document", 0);
        }

        if (!sawOrigin)
        {
            throw new SdpParseException("missing 'o=' line", 0);
        }

        return session;
    }

    private static MediaDescription ParseMediaLine(string value, int lineNumber)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3)
        {
            throw new SdpParseException("'m=' needs media, port and protocol", lineNumber);
        }

        var portText = parts[1];
        int? portCount = null;
        var slash = portText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!int.TryParse(portText[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                throw new SdpParseException("malformed port count in 'm=' line", lineNumber);
            }

            portCount = count;
            portText = portText[..slash];
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new SdpParseException("malformed port in 'm=' line", lineNumber);
        }

        return new MediaDescription(parts[0], port, parts[2], parts[3..]) { PortCount = portCount };
    }
}
