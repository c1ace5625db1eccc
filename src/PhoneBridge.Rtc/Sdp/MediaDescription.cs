using System.Globalization;
using System.Text;

namespace PhoneBridge.Rtc.Sdp;

/// <summary>One <c>m=</c> section. Attributes keep their order; typed properties read them on demand.</summary>
public sealed class MediaDescription : SdpAttributeList
{
    public MediaDescription(string media, int port, string protocol, IEnumerable<string> formats)
    {
        Media = media;
        Port = port;
        Protocol = protocol;
        Formats = [.. formats];
    }

    public string Media { get; set; }

    public int Port { get; set; }

    /// <summary>The <c>/&lt;n&gt;</c> port count of the m-line, kept only so the line round-trips.</summary>
    public int? PortCount { get; set; }

    public string Protocol { get; set; }

    public List<string> Formats { get; }

    /// <summary><c>i=</c>, <c>c=</c>, <c>b=</c>, <c>k=</c> lines in order.</summary>
    public List<SdpLine> Lines { get; } = [];

    public bool IsAudio => string.Equals(Media, "audio", StringComparison.OrdinalIgnoreCase);

    /// <summary>Port 0 in the m-line marks a rejected or stopped section.</summary>
    public bool IsRejected => Port == 0 && !Has("bundle-only");

    public string? Mid => Get("mid");

    public MediaDirection Direction
    {
        get
        {
            foreach (var a in Attributes)
            {
                if (a.Value is null && MediaDirectionExtensions.TryParse(a.Name) is { } d)
                {
                    return d;
                }
            }

            return MediaDirection.SendRecv;
        }
        set
        {
            var index = -1;
            var list = (List<SdpAttribute>)Attributes;
            for (var i = list.Count - 1; i >= 0; i--)
            {
                if (list[i].Value is null && MediaDirectionExtensions.TryParse(list[i].Name) is not null)
                {
                    index = i;
                    list.RemoveAt(i);
                }
            }

            var attr = SdpAttribute.Flag(value.ToSdp());
            if (index < 0)
            {
                list.Add(attr);
            }
            else
            {
                list.Insert(index, attr);
            }
        }
    }

    public bool RtcpMux => Has("rtcp-mux");

    public bool EndOfCandidates => Has("end-of-candidates");

    /// <summary><c>a=candidate:</c> values (without the <c>candidate:</c> prefix).</summary>
    public IEnumerable<string> Candidates => GetAll("candidate");

    public SdpMsid? Msid
    {
        get
        {
            if (Get("msid") is { } value && SdpMsid.TryParse(value) is { } msid)
            {
                return msid;
            }

            // Plan-B era peers only announce msid inside a=ssrc lines.
            foreach (var ssrc in Ssrcs)
            {
                if (string.Equals(ssrc.Attribute, "msid", StringComparison.OrdinalIgnoreCase) && ssrc.Value is not null)
                {
                    return SdpMsid.TryParse(ssrc.Value);
                }
            }

            return null;
        }
    }

    public IEnumerable<SdpSsrc> Ssrcs
    {
        get
        {
            foreach (var value in GetAll("ssrc"))
            {
                if (SdpSsrc.TryParse(value) is { } s)
                {
                    yield return s;
                }
            }
        }
    }

    /// <summary>The first announced SSRC (the primary stream; FID/FEC groups are not used for audio).</summary>
    public uint? PrimarySsrc => Ssrcs.Select(s => (uint?)s.Ssrc).FirstOrDefault();

    public IReadOnlyList<SdpExtmap> Extmaps
    {
        get
        {
            var list = new List<SdpExtmap>();
            foreach (var value in GetAll("extmap"))
            {
                if (SdpExtmap.TryParse(value, out var e))
                {
                    list.Add(e);
                }
            }

            return list;
        }
    }

    public int? ExtmapId(string uri) =>
        Extmaps.FirstOrDefault(e => string.Equals(e.Uri, uri, StringComparison.OrdinalIgnoreCase))?.Id;

    /// <summary>Payload formats in preference order. Formats without an rtpmap and no static meaning are skipped.</summary>
    public IReadOnlyList<RtpCodec> Codecs
    {
        get
        {
            var rtpmaps = new Dictionary<int, (string Name, int Rate, int Channels)>();
            var fmtps = new Dictionary<int, string>();
            var feedback = new Dictionary<int, List<string>>();
            foreach (var a in Attributes)
            {
                if (a.Value is null)
                {
                    continue;
                }

                switch (a.Name.ToLowerInvariant())
                {
                    case "rtpmap" when TrySplitPayloadType(a.Value, out var pt, out var rest):
                        var parts = rest.Split('/');
                        if (parts.Length >= 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var rate))
                        {
                            var channels = parts.Length >= 3 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var ch) ? ch : 1;
                            rtpmaps[pt] = (parts[0], rate, channels);
                        }

                        break;
                    case "fmtp" when TrySplitPayloadType(a.Value, out var pt, out var rest):
                        fmtps[pt] = rest;
                        break;
                    case "rtcp-fb" when TrySplitPayloadType(a.Value, out var pt, out var rest):
                        if (!feedback.TryGetValue(pt, out var fb))
                        {
                            feedback[pt] = fb = [];
                        }

                        fb.Add(rest);
                        break;
                }
            }

            var codecs = new List<RtpCodec>(Formats.Count);
            foreach (var format in Formats)
            {
                if (!int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) || pt > 127)
                {
                    continue;
                }

                fmtps.TryGetValue(pt, out var fmtp);
                IReadOnlyList<string> fbList = feedback.TryGetValue(pt, out var f) ? f : [];
                if (rtpmaps.TryGetValue(pt, out var map))
                {
                    codecs.Add(new RtpCodec(pt, map.Name, map.Rate, map.Channels, fmtp, fbList));
                }
                else if (RtpCodec.Static(pt) is { } s)
                {
                    codecs.Add(s with { Fmtp = fmtp, RtcpFeedback = fbList });
                }
            }

            return codecs;
        }
    }

    /// <summary>Adds rtpmap/fmtp/rtcp-fb lines for a codec and lists it in the m-line.</summary>
    public void AddCodec(RtpCodec codec)
    {
        Formats.Add(codec.PayloadType.ToString(CultureInfo.InvariantCulture));
        Add("rtpmap", codec.RtpMapValue);
        if (!string.IsNullOrEmpty(codec.Fmtp))
        {
            Add("fmtp", string.Create(CultureInfo.InvariantCulture, $"{codec.PayloadType} {codec.Fmtp}"));
        }

        foreach (var fb in codec.RtcpFeedback)
        {
            Add("rtcp-fb", string.Create(CultureInfo.InvariantCulture, $"{codec.PayloadType} {fb}"));
        }
    }

    internal void WriteTo(StringBuilder sb)
    {
        sb.Append("m=").Append(Media).Append(' ').Append(Port.ToString(CultureInfo.InvariantCulture));
        if (PortCount is { } count)
        {
            sb.Append('/').Append(count.ToString(CultureInfo.InvariantCulture));
        }

        sb.Append(' ').Append(Protocol);
        foreach (var f in Formats)
        {
            sb.Append(' ').Append(f);
        }

        sb.Append("\r\n");
        foreach (var line in Lines)
        {
            sb.Append(line.Type).Append('=').Append(line.Value).Append("\r\n");
        }

        foreach (var a in Attributes)
        {
            sb.Append("a=").Append(a.Name);
            if (a.Value is not null)
            {
                sb.Append(':').Append(a.Value);
            }

            sb.Append("\r\n");
        }
    }

    private static bool TrySplitPayloadType(string value, out int payloadType, out string rest)
    {
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        rest = space < 0 ? string.Empty : value[(space + 1)..].Trim();
        return int.TryParse(space < 0 ? value : value[..space], NumberStyles.None, CultureInfo.InvariantCulture, out payloadType);
    }
}
