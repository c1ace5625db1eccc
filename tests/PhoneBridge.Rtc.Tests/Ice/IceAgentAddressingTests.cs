using System.Net;
using System.Net.Sockets;
using PhoneBridge.Rtc.Ice;
using static PhoneBridge.Rtc.Tests.Ice.IceTestHelpers;

namespace PhoneBridge.Rtc.Tests.Ice;

public class IceAgentAddressingTests
{
    private static bool Ipv6LoopbackAvailable()
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Ipv6Agents_ConnectOverIpv6Loopback()
    {
        if (!Ipv6LoopbackAvailable())
        {
            return; // host without IPv6; the IPv4 tests cover the logic
        }

        await using var a = CreateAgent(controlling: true, o =>
        {
            o.EnableIpv6 = true;
            o.HostAddresses = [IPAddress.IPv6Loopback];
        });
        await using var b = CreateAgent(controlling: false, o =>
        {
            o.EnableIpv6 = true;
            o.HostAddresses = [IPAddress.IPv6Loopback];
        });
        var received = new CollectingDataHandler();
        b.DataHandler = received;
        await ConnectAsync(a, b);
        Assert.Equal("::1", a.SelectedPair!.Remote.Address);
        await a.SendAsync(new byte[] { 0x80, 1 }, CancellationToken.None);
        await WaitForAsync(() => !received.Received.IsEmpty, "IPv6 data");
    }

    [Fact]
    public async Task DualStack_GathersOneSocketPerFamily_AndPrefersIpv4()
    {
        if (!Ipv6LoopbackAvailable())
        {
            return;
        }

        // The nomination delay is the fallback for a better pair that never answers; a loaded machine can hold the
        // IPv4 check past the default 300 ms, and what this test checks is the preference, not that fallback.
        await using var a = CreateAgent(controlling: true, o =>
        {
            o.EnableIpv6 = true;
            o.HostAddresses = [IPAddress.Loopback, IPAddress.IPv6Loopback];
            o.NominationDelay = TimeSpan.FromSeconds(10);
        });
        await using var b = CreateAgent(controlling: false, o =>
        {
            o.EnableIpv6 = true;
            o.HostAddresses = [IPAddress.Loopback, IPAddress.IPv6Loopback];
        });

        // Candidates are exchanged before any check is sent: trickle is delivered asynchronously, and a check that
        // outruns it makes the address peer-reflexive, whose lower priority is the ranking under test.
        await a.GatherAsync(CancellationToken.None);
        await b.GatherAsync(CancellationToken.None);
        await ExchangeAndConnectAsync(a, b);

        var candidates = a.GetLocalCandidates();
        Assert.Equal(2, candidates.Count);
        Assert.True(candidates.Single(c => c.Address == "127.0.0.1").Priority > candidates.Single(c => c.Address == "::1").Priority);
        Assert.Equal("127.0.0.1", a.SelectedPair!.Local.Address);
        Assert.Equal(IceCandidateType.Host, a.SelectedPair.Remote.Type);
    }

    [Fact]
    public async Task PublicIp_IsAdvertisedAsHostCandidateWithTheSamePort()
    {
        await using var a = CreateAgent(controlling: true, o => o.PublicIp = IPAddress.Parse("203.0.113.10"));
        await a.GatherAsync(CancellationToken.None);
        var candidates = a.GetLocalCandidates();
        var local = Assert.Single(candidates, c => c.Address == "127.0.0.1");
        var advertised = Assert.Single(candidates, c => c.Address == "203.0.113.10");
        Assert.Equal(IceCandidateType.Host, advertised.Type);
        Assert.Equal(local.Port, advertised.Port);
        Assert.True(advertised.Priority < local.Priority);
    }

    [Fact]
    public async Task PublicIpCandidate_IsNotCheckedFromTheAgentItself_AndPeerStillConnects()
    {
        // The peer gets only the public (unreachable here) candidate plus the real one; nothing is sent to the public IP
        // because the filter refuses it, and the pair over loopback wins.
        await using var a = CreateAgent(controlling: true, o => o.PublicIp = IPAddress.Parse("203.0.113.10"));
        await using var b = CreateAgent(controlling: false, o => o.RemoteAddressFilter = IPAddress.IsLoopback);
        await ConnectAsync(a, b);
        await WaitForAsync(() => b.SelectedPair is not null, "B to select");
        Assert.Equal("127.0.0.1", b.SelectedPair!.Remote.Address);
    }

    [Fact]
    public async Task RemoteAddressFilter_RejectsSignalledCandidates()
    {
        await using var a = CreateAgent(controlling: true, o =>
        {
            o.RemoteAddressFilter = _ => false;
            o.ConnectTimeout = TimeSpan.FromSeconds(2);
        });
        await a.GatherAsync(CancellationToken.None);
        a.SetRemoteCredentials("ufrag", "passwordpasswordpassword");
        a.AddRemoteCandidate(IceCandidate.Parse("candidate:1 1 udp 2130706431 127.0.0.1 9 typ host"));
        await Assert.ThrowsAsync<IceException>(() => a.ConnectAsync(CancellationToken.None).WaitAsync(TestTimeout));
    }

    [Fact]
    public async Task PortRange_IsHonoured()
    {
        var start = Random.Shared.Next(42000, 58000);
        await using var a = CreateAgent(controlling: true, o =>
        {
            o.PortRangeStart = start;
            o.PortRangeEnd = start + 20;
        });
        await a.GatherAsync(CancellationToken.None);
        Assert.InRange(a.GetLocalCandidates()[0].Port, start, start + 20);
    }
}
