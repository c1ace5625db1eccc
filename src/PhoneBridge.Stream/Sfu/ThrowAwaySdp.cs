using System.Security.Cryptography;
using System.Text;

namespace PhoneBridge.Stream.Sfu;

/// <summary>
/// The offers a JoinRequest carries so the SFU learns which codecs we decode (<c>subscriber_sdp</c>, recvonly)
/// and encode (<c>publisher_sdp</c>, sendonly). They never reach a transport, so the ICE and DTLS values are
/// random placeholders; the codec lists match what the bridge's WebRTC stack really offers.
/// </summary>
public static class ThrowAwaySdp
{
    public static string Create(bool subscriber)
    {
        var direction = subscriber ? "recvonly" : "sendonly";
        var ufrag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var pwd = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var fingerprint = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).Chunk(2).Select(c => new string(c));
        var sessionId = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var sb = new StringBuilder(1024);
        sb.Append("v=0\r\n")
          .Append("o=- ").Append(sessionId).Append(" 2 IN IP4 127.0.0.1\r\n")
          .Append("s=-\r\n")
          .Append("t=0 0\r\n")
          .Append("a=group:BUNDLE 0 1\r\n")
          .Append("a=msid-semantic: WMS\r\n");
        AppendSection(sb, "audio", "0", direction, ufrag, pwd, fingerprint, "111 0 8",
            "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
            + "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=extmap:2 urn:ietf:params:rtp-hdrext:sdes:mid\r\n");
        AppendSection(sb, "video", "1", direction, ufrag, pwd, fingerprint, "96",
            "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n");
        return sb.ToString();
    }

    private static void AppendSection(StringBuilder sb, string kind, string mid, string direction, string ufrag, string pwd,
        IEnumerable<string> fingerprint, string payloadTypes, string codecs)
    {
        sb.Append("m=").Append(kind).Append(" 9 UDP/TLS/RTP/SAVPF ").Append(payloadTypes).Append("\r\n")
          .Append("c=IN IP4 0.0.0.0\r\n")
          .Append("a=rtcp:9 IN IP4 0.0.0.0\r\n")
          .Append("a=ice-ufrag:").Append(ufrag).Append("\r\n")
          .Append("a=ice-pwd:").Append(pwd).Append("\r\n")
          .Append("a=fingerprint:sha-256 ").AppendJoin(':', fingerprint).Append("\r\n")
          .Append("a=setup:actpass\r\n")
          .Append("a=mid:").Append(mid).Append("\r\n")
          .Append('a').Append('=').Append(direction).Append("\r\n")
          .Append("a=rtcp-mux\r\n")
          .Append(codecs);
    }
}
