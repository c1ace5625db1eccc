using FsCheck;
using FsCheck.Fluent;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Rtc.Tests.Sdp;

public class SdpFuzzTests
{
    private static readonly string[] Seeds =
    [
        SdpFixtures.Read("aiortc-offer.sdp"),
        SdpFixtures.Read("chromium-offer.sdp"),
        SdpFixtures.Read("stream-sfu-offer.sdp"),
    ];

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Arbitrary_text_parses_or_fails_with_SdpParseException(string? text) =>
        ParsesOrRejects(text ?? string.Empty).ToProperty();

    [FsCheck.Xunit.Property(MaxTest = 300)]
    public Property Mutated_real_sdp_parses_or_fails_with_SdpParseException(int seed, int position, char replacement, bool truncate)
    {
        var source = Seeds[Math.Abs(seed % Seeds.Length)];
        var index = Math.Abs(position % source.Length);
        var mutated = truncate ? source[..index] : source[..index] + replacement + source[(index + 1)..];
        return ParsesOrRejects(mutated).ToProperty();
    }

    private static bool ParsesOrRejects(string text)
    {
        try
        {
            var sdp = SessionDescription.Parse(text);

            // Typed views must never throw on whatever survived parsing.
            foreach (var m in sdp.Media)
            {
                _ = m.Codecs.Count + m.Extmaps.Count + m.Ssrcs.Count() + m.Candidates.Count();
                _ = (m.Msid, m.Direction, m.Mid, sdp.FingerprintFor(m), sdp.SetupFor(m), sdp.IceUfragFor(m), m.PrimarySsrc);
                _ = m.Codecs.Select(c => c.Parameters.Count).Sum();
            }

            _ = sdp.BundleMids.Count;
            return SessionDescription.Parse(sdp.ToString()).Media.Count == sdp.Media.Count;
        }
        catch (SdpParseException)
        {
            return true;
        }
    }
}
