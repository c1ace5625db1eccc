using System.Globalization;
using System.Net;
using PhoneBridge.Rtc;

namespace PhoneBridge.Browser.Media;

/// <summary>
/// Keeps a browser's offered candidates to those this server's sockets can reach: when every configured host address
/// (<c>PhoneBridge:Rtc:HostAddresses</c>) is a loopback one, only loopback candidates stay, since a socket bound to
/// 127.0.0.1 cannot send anywhere else (and checks towards other addresses would only fail slowly). Otherwise the
/// offer is used as it is.
/// </summary>
internal static class RemoteCandidates
{
    public static string Reachable(string sdp, RtcOptions options)
    {
        if (options.HostAddresses.Count == 0
            || !options.HostAddresses.TrueForAll(a => IPAddress.TryParse(a, out var ip) && IPAddress.IsLoopback(ip)))
        {
            return sdp;
        }

        var lines = sdp.Split('\n');
        var kept = lines.Where(line => !line.StartsWith("a=candidate:", StringComparison.Ordinal) || IsLoopback(line));
        return string.Join('\n', kept);
    }

    // a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
    private static bool IsLoopback(string line)
    {
        var fields = line.Split(' ');
        return fields.Length > 5 && IPAddress.TryParse(fields[4].Trim(), out var address) && IPAddress.IsLoopback(address)
            && int.TryParse(fields[5], NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }
}
