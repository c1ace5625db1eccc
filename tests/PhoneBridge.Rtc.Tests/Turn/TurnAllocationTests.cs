using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Turn;
using PhoneBridge.Rtc.Tests.Ice;
using static PhoneBridge.Rtc.Tests.Ice.IceTestHelpers;

namespace PhoneBridge.Rtc.Tests.Turn;

public class TurnAllocationTests(CoturnFixture coturn) : IClassFixture<CoturnFixture>
{
    private CoturnServer Coturn => coturn.Server;

    [Fact]
    public async Task Allocate_WithLongTermCredentials_ReturnsRelayInRange_AndRelaysBothWays()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var serverAddress = Coturn.EndPoint.Serialize();
        await using var allocation = new TurnAllocation(
            Coturn.EndPoint, CoturnServer.Username, CoturnServer.Password,
            data => socket.SendTo(data, SocketFlags.None, serverAddress),
            NullLogger.Instance, TimeProvider.System, TimeSpan.FromSeconds(10));

        // The server's answers arrive on our socket; feed them to the allocation like the agent's receive loop does.
        using var stop = new CancellationTokenSource();
        var peerPayloads = new List<byte[]>();
        var receive = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            var from = new SocketAddress(AddressFamily.InterNetwork);
            while (!stop.IsCancellationRequested)
            {
                int n;
                try
                {
                    n = await socket.ReceiveFromAsync(buffer, SocketFlags.None, from, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                if (allocation.TryUnwrap(buffer.AsSpan(0, n), out _, out var payload))
                {
                    lock (peerPayloads)
                    {
                        peerPayloads.Add(payload.ToArray());
                    }
                }
            }
        });

        Assert.True(await allocation.AllocateAsync(CancellationToken.None));
        var relayed = allocation.RelayedEndPoint!;
        Assert.Equal(IPAddress.Loopback, relayed.Address);
        Assert.InRange(relayed.Port, Coturn.MinRelayPort, Coturn.MaxRelayPort);
        Assert.Equal(((IPEndPoint)socket.LocalEndPoint!).Port, allocation.MappedEndPoint!.Port);

        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var peerEndPoint = (IPEndPoint)peer.LocalEndPoint!;
        allocation.EnsurePermission(peerEndPoint.Address);

        // Send indication path (no channel yet); retry while the permission is being installed.
        var buffer = new byte[2048];
        var got = await RetryReceiveAsync(peer, buffer, () => allocation.SendToPeer(peerEndPoint, [1, 2, 3]));
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer[..got.Length]);
        Assert.Equal(relayed, got.From);

        // Peer → relay → us as a Data indication.
        await peer.SendToAsync(new byte[] { 9, 8, 7 }, relayed);
        await WaitForAsync(() => { lock (peerPayloads) { return peerPayloads.Count > 0; } }, "data indication");

        // ChannelBind, then ChannelData both ways.
        allocation.BindChannel(peerEndPoint);
        await Task.Delay(500);
        got = await RetryReceiveAsync(peer, buffer, () => allocation.SendToPeer(peerEndPoint, [4, 5]));
        Assert.Equal(new byte[] { 4, 5 }, buffer[..got.Length]);
        await peer.SendToAsync(new byte[] { 6 }, relayed);
        await WaitForAsync(() => { lock (peerPayloads) { return peerPayloads.Any(p => p.SequenceEqual(new byte[] { 6 })); } }, "channel data");

        await allocation.DisposeAsync(); // releases while the receive loop still runs
        await stop.CancelAsync();
        await receive;
    }

    [Fact]
    public async Task Allocate_WithWrongPassword_Fails()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var serverAddress = Coturn.EndPoint.Serialize();
        await using var allocation = new TurnAllocation(
            Coturn.EndPoint, CoturnServer.Username, "wrong",
            data => socket.SendTo(data, SocketFlags.None, serverAddress),
            NullLogger.Instance, TimeProvider.System, TimeSpan.FromSeconds(10));
        using var stop = new CancellationTokenSource();
        var receive = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var n = await socket.ReceiveAsync(buffer, stop.Token);
                    allocation.TryUnwrap(buffer.AsSpan(0, n), out _, out _);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
        Assert.False(await allocation.AllocateAsync(CancellationToken.None));
        Assert.Null(allocation.RelayedEndPoint);
        await allocation.DisposeAsync(); // releases while the receive loop still runs
        await stop.CancelAsync();
        await receive;
    }

    [Fact]
    public async Task Agent_GathersServerReflexiveAndRelayCandidates()
    {
        await using var agent = CreateAgent(controlling: true, o => o.Servers =
        [
            new IceServer(Coturn.StunUrl),
            new IceServer(Coturn.TurnUrl, CoturnServer.Username, CoturnServer.Password),
        ]);
        var trickled = new List<IceCandidate?>();
        agent.LocalCandidate += c =>
        {
            lock (trickled)
            {
                trickled.Add(c);
            }
        };
        await agent.GatherAsync(CancellationToken.None);
        await agent.GatheringCompleted.WaitAsync(TestTimeout);
        await WaitForAsync(() => { lock (trickled) { return trickled.Count > 0 && trickled[^1] is null; } }, "end-of-candidates");

        var candidates = agent.GetLocalCandidates();
        var host = Assert.Single(candidates, c => c.Type == IceCandidateType.Host);
        var srflx = Assert.Single(candidates, c => c.Type == IceCandidateType.ServerReflexive);
        var relay = Assert.Single(candidates, c => c.Type == IceCandidateType.Relayed);
        Assert.Equal(host.Port, srflx.Port);
        Assert.Equal(host.Address, srflx.RelatedAddress);
        Assert.InRange(relay.Port, Coturn.MinRelayPort, Coturn.MaxRelayPort);
        Assert.True(relay.Priority < srflx.Priority && srflx.Priority < host.Priority);
        lock (trickled)
        {
            Assert.Equal(4, trickled.Count);
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Agents_ConnectThroughTurnRelay_AndExchangeData(bool relayOnlyA, bool relayOnlyB)
    {
        var servers = new[] { new IceServer(Coturn.TurnUrl, CoturnServer.Username, CoturnServer.Password) };
        await using var a = CreateAgent(controlling: true, o =>
        {
            o.Servers = servers;
            o.Policy = relayOnlyA ? IcePolicy.RelayOnly : IcePolicy.All;
        });
        await using var b = CreateAgent(controlling: false, o =>
        {
            o.Servers = servers;
            o.Policy = relayOnlyB ? IcePolicy.RelayOnly : IcePolicy.All;
        });
        var receivedByA = new CollectingDataHandler();
        var receivedByB = new CollectingDataHandler();
        a.DataHandler = receivedByA;
        b.DataHandler = receivedByB;

        await ConnectAsync(a, b);

        Assert.Equal(IceCandidateType.Relayed, a.SelectedPair!.Local.Type);
        await WaitForAsync(() => b.SelectedPair is not null, "B to select");
        if (relayOnlyB)
        {
            Assert.Equal(IceCandidateType.Relayed, b.SelectedPair!.Local.Type);
        }

        for (var i = 0; i < 20 && (receivedByA.Received.IsEmpty || receivedByB.Received.IsEmpty); i++)
        {
            await a.SendAsync(new byte[] { 0x80, (byte)i }, CancellationToken.None);
            await b.SendAsync(new byte[] { 0x81, (byte)i }, CancellationToken.None);
            await Task.Delay(100);
        }

        await WaitForAsync(() => !receivedByA.Received.IsEmpty && !receivedByB.Received.IsEmpty, "relayed data both ways");
        Assert.All(receivedByB.Received, d => Assert.Equal(0x80, d[0]));
        Assert.All(receivedByA.Received, d => Assert.Equal(0x81, d[0]));
    }

    [Fact]
    public async Task Maintenance_RefreshesAllocationPermissionsAndChannels_AndRelayKeepsWorking()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var serverAddress = Coturn.EndPoint.Serialize();
        await using var allocation = new TurnAllocation(
            Coturn.EndPoint, CoturnServer.Username, CoturnServer.Password,
            data => socket.SendTo(data, SocketFlags.None, serverAddress),
            NullLogger.Instance, time, TimeSpan.FromSeconds(10));
        using var stop = new CancellationTokenSource();
        var receive = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var n = await socket.ReceiveAsync(buffer, stop.Token);
                    allocation.TryUnwrap(buffer.AsSpan(0, n), out _, out _);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });

        Assert.True(await allocation.AllocateAsync(CancellationToken.None));
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var peerEndPoint = (IPEndPoint)peer.LocalEndPoint!;
        allocation.EnsurePermission(peerEndPoint.Address);
        allocation.BindChannel(peerEndPoint);
        var buffer = new byte[256];
        await RetryReceiveAsync(peer, buffer, () => allocation.SendToPeer(peerEndPoint, [1]));

        // Four minutes on the allocation's clock: Refresh, CreatePermission and ChannelBind go to the real server.
        time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(1));
        await WaitForAsync(() => allocation.Refreshes == 1, "refresh");
        var got = await RetryReceiveAsync(peer, buffer, () => allocation.SendToPeer(peerEndPoint, [2, 2]));
        Assert.Equal(2, got.Length);

        await allocation.DisposeAsync(); // releases while the receive loop still runs
        await stop.CancelAsync();
        await receive;
    }

    private static async Task<(int Length, IPEndPoint From)> RetryReceiveAsync(Socket socket, byte[] buffer, Action send)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            send();
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
            try
            {
                var result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                return (result.ReceivedBytes, (IPEndPoint)result.RemoteEndPoint);
            }
            catch (OperationCanceledException)
            {
                // permission not installed yet
            }
        }

        throw new TimeoutException("Nothing was relayed.");
    }
}
