using System.Net;
using PhoneBridge.Rtc.Ice;

namespace PhoneBridge.Rtc.Tests.Ice;

public class IceCandidateTests
{
    [Theory]
    // Chromium host (mDNS), srflx with generation/network fields, aiortc host and relay, TCP passive.
    [InlineData("candidate:2437072876 1 udp 2122260223 8c0b9e0e-5d3b-4f9b-9d8c-3c9f35f6b1aa.local 55361 typ host generation 0 ufrag Ys8x network-id 1")]
    [InlineData("a=candidate:842163049 1 udp 1677729535 203.0.113.7 61000 typ srflx raddr 10.0.0.5 rport 61000 generation 0 ufrag Ys8x network-cost 999")]
    [InlineData("candidate:ed9ae7ab0bbf8da1b8a8aa2ec0b4e1b1 1 udp 2130706431 127.0.0.1 41234 typ host")]
    [InlineData("candidate:3f0b6c1e9d 1 udp 16777215 127.0.0.1 50010 typ relay raddr 127.0.0.1 rport 43122")]
    [InlineData("candidate:1 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active")]
    public void Parse_AcceptsRealCandidateLines(string line)
    {
        var candidate = IceCandidate.Parse(line);
        var reparsed = IceCandidate.Parse(candidate.ToSdpAttribute());
        Assert.Equal(candidate, reparsed);
        Assert.StartsWith("candidate:", candidate.ToSdpAttribute(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReadsFields()
    {
        var candidate = IceCandidate.Parse("a=candidate:842163049 1 UDP 1677729535 203.0.113.7 61000 typ srflx raddr 10.0.0.5 rport 61001 generation 0 ufrag Ys8x");
        Assert.Equal("842163049", candidate.Foundation);
        Assert.Equal(1, candidate.Component);
        Assert.Equal("udp", candidate.Protocol);
        Assert.Equal(1677729535u, candidate.Priority);
        Assert.Equal(IPAddress.Parse("203.0.113.7"), candidate.IPAddress);
        Assert.Equal(61000, candidate.Port);
        Assert.Equal(IceCandidateType.ServerReflexive, candidate.Type);
        Assert.Equal("10.0.0.5", candidate.RelatedAddress);
        Assert.Equal(61001, candidate.RelatedPort);
        Assert.Equal("Ys8x", candidate.UsernameFragment);
        Assert.Equal("candidate:842163049 1 udp 1677729535 203.0.113.7 61000 typ srflx raddr 10.0.0.5 rport 61001 ufrag Ys8x", candidate.ToSdpAttribute());
    }

    [Theory]
    [InlineData("")]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 5000")]
    [InlineData("candidate:1 x udp 1 127.0.0.1 5000 typ host")]
    [InlineData("candidate:1 1 udp -5 127.0.0.1 5000 typ host")]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 70000 typ host")]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 5000 type host")]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 5000 typ bogus")]
    [InlineData("candidate:1 1 udp 1 127.0.0.1 5000 typ srflx raddr 1.2.3.4 rport x")]
    public void Parse_RejectsMalformedLines(string line)
    {
        Assert.False(IceCandidate.TryParse(line, out _, out var error));
        Assert.NotEmpty(error);
        Assert.Throws<FormatException>(() => IceCandidate.Parse(line));
    }

    [Fact]
    public void MappedAddress_IsNormalised()
    {
        var candidate = IceCandidate.Parse("candidate:1 1 udp 1 ::ffff:127.0.0.1 5000 typ host");
        Assert.Equal(IPAddress.Loopback, candidate.IPAddress);
    }

    [Fact]
    public void Priority_FollowsRfc8445Formula()
    {
        Assert.Equal(2130706431u, IceCandidate.ComputePriority(IceCandidateType.Host, 65535));
        Assert.Equal((100u << 24) + (65535u << 8) + 255u, IceCandidate.ComputePriority(IceCandidateType.ServerReflexive, 65535));
        Assert.Equal(16777215u, IceCandidate.ComputePriority(IceCandidateType.Relayed, 65535));
    }

    [Theory]
    [InlineData("stun:127.0.0.1:3478", false, "127.0.0.1", 3478)]
    [InlineData("stun:stun.example.org", false, "stun.example.org", 3478)]
    [InlineData("turn:[::1]:5349?transport=udp", true, "::1", 5349)]
    [InlineData("TURN:127.0.0.1:40000", true, "127.0.0.1", 40000)]
    public void ServerUrls_Parse(string url, bool isTurn, string host, int port)
    {
        var parsed = IceServerUrl.TryParse(url, new IceServer(url, "u", "p"), out var reason);
        Assert.NotNull(parsed);
        Assert.Null(reason);
        Assert.Equal(isTurn, parsed.IsTurn);
        Assert.Equal(host, parsed.Host);
        Assert.Equal(port, parsed.Port);
    }

    [Theory]
    [InlineData("turns:127.0.0.1:5349")]
    [InlineData("turn:127.0.0.1:3478?transport=tcp")]
    [InlineData("stun:")]
    [InlineData("stun:host:99999")]
    [InlineData("nonsense")]
    public void UnsupportedServerUrls_AreRejectedWithAReason(string url)
    {
        Assert.Null(IceServerUrl.TryParse(url, new IceServer(url, "u", "p"), out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public void TurnUrlWithoutCredentials_IsRejected()
    {
        Assert.Null(IceServerUrl.TryParse("turn:127.0.0.1", new IceServer("turn:127.0.0.1"), out var reason));
        Assert.Contains("credential", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_AreValidated()
    {
        Assert.Throws<ArgumentException>(() => new IceAgentOptions { ConsentTimeout = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentException>(() => new IceAgentOptions { PortRangeStart = 5000 }.Validate());
        new IceAgentOptions { PortRangeStart = 50000, PortRangeEnd = 50100 }.Validate();
    }
}
