using System.Reflection;
using System.Text;
using PhoneBridge.Rtc;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// Remote SDP as <c>PeerConnection.SetRemoteDescriptionAsync</c> takes it: <see cref="SessionDescription.Parse"/>,
/// the connection's own validation, then what negotiation reads (codecs, extmaps, SSRCs, msid, ICE credentials and
/// candidates, fingerprint, setup) and serialisation back. Its documented contract is <see cref="FormatException"/>
/// (<see cref="SdpParseException"/>) or <see cref="ArgumentException"/>; anything else is a crash.
/// </summary>
internal static class SdpTarget
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fuzz", "Sdp");

    public static FuzzTarget Create()
    {
        var validate = typeof(PeerConnection).GetMethod("Validate", BindingFlags.NonPublic | BindingFlags.Static)!
            .CreateDelegate<Action<SessionDescription>>();
        var seeds = Directory.GetFiles(Fixtures, "*.sdp").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        return new FuzzTarget("sdp", "SessionDescription.Parse + validation + accessors", seeds, input => Run(input, validate),
            SessionDescription.MaxLength + 1024, Text: true);
    }

    private static void Run(ReadOnlySpan<byte> input, Action<SessionDescription> validate)
    {
        SessionDescription sdp;
        try
        {
            sdp = SessionDescription.Parse(Encoding.UTF8.GetString(input));
            validate(sdp);
        }
        catch (FormatException)
        {
            return;
        }
        catch (ArgumentException)
        {
            return;
        }

        _ = sdp.BundleMids.Count;
        foreach (var m in sdp.Media)
        {
            _ = (m.Mid, m.Direction, m.IsRejected, m.RtcpMux, m.Msid, m.PrimarySsrc, m.ExtmapId("urn:ietf:params:rtp-hdrext:ssrc-audio-level"));
            _ = m.Codecs.Count + m.Extmaps.Count + m.Ssrcs.Count();
            _ = (sdp.IceUfragFor(m), sdp.IcePasswordFor(m), sdp.FingerprintFor(m), sdp.SetupFor(m));
            foreach (var c in m.Candidates)
            {
                IceCandidate.TryParse(c, out _, out _);
            }
        }

        _ = sdp.ToString();
    }
}
