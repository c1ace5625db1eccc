using PhoneBridge.Stream.Sfu.Models;

namespace PhoneBridge.Stream.Sfu;

/// <summary>
/// Maps the SFU's msid stream ids (<c>&lt;track_lookup_prefix&gt;:TRACK_TYPE_AUDIO:&lt;suffix&gt;</c>) back to
/// participants. The second token is an enum name in production offers but a number in some SDKs, so both parse.
/// </summary>
public static class TrackLookup
{
    public static bool TryParseStreamId(string? streamId, out string prefix, out TrackType trackType)
    {
        prefix = "";
        trackType = TrackType.Unspecified;
        if (string.IsNullOrEmpty(streamId))
        {
            return false;
        }

        var parts = streamId.Split(':');
        if (parts.Length < 2 || parts[0].Length == 0)
        {
            return false;
        }

        prefix = parts[0];
        var type = parts[1];
        if (int.TryParse(type, out var number) && Enum.IsDefined((TrackType)number))
        {
            trackType = (TrackType)number;
        }
        else
        {
            trackType = type switch
            {
                "TRACK_TYPE_AUDIO" => TrackType.Audio,
                "TRACK_TYPE_VIDEO" => TrackType.Video,
                "TRACK_TYPE_SCREEN_SHARE" => TrackType.ScreenShare,
                "TRACK_TYPE_SCREEN_SHARE_AUDIO" => TrackType.ScreenShareAudio,
                _ => TrackType.Unspecified,
            };
        }

        return true;
    }

    /// <summary>
    /// Reads <c>a=msid:&lt;stream&gt; &lt;track&gt;</c> per m-line from an SFU offer: mid → stream id, for stacks
    /// that do not surface the stream id of a remote track.
    /// </summary>
    public static IReadOnlyDictionary<string, string> StreamIdsByMid(string sdp)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string? mid = null;
        string? stream = null;
        foreach (var raw in sdp.Split('\n'))
        {
            var line = raw.TrimEnd('\r', ' ');
            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                Flush();
                mid = null;
                stream = null;
            }
            else if (line.StartsWith("a=mid:", StringComparison.Ordinal))
            {
                mid = line[6..].Trim();
            }
            else if (line.StartsWith("a=msid:", StringComparison.Ordinal))
            {
                var value = line[7..].Trim();
                var space = value.IndexOf(' ', StringComparison.Ordinal);
                stream = space < 0 ? value : value[..space];
            }
        }

        Flush();
        return result;

        void Flush()
        {
            if (mid is not null && stream is not null)
            {
                result[mid] = stream;
            }
        }
    }
}
