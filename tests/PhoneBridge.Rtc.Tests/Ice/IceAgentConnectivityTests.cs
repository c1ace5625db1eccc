using System.Net;
using System.Net.Sockets;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Stun;
using static PhoneBridge.Rtc.Tests.Ice.IceTestHelpers;

namespace PhoneBridge.Rtc.Tests.Ice;

public class IceAgentConnectivityTests
{
    [Fact]
    public async Task TwoAgents_ConnectWithTrickle_AndExchangeDataBothWays()
    {
        await using var a = CreateAgent(controlling: true);
        await using var b = CreateAgent(controlling: false);
        var statesA = new StateRecorder(a);
        var receivedByA = new CollectingDataHandler();
        var receivedByB = new CollectingDataHandler();
        a.DataHandler = receivedByA;
        b.DataHandler = receivedByB;

        await ConnectAsync(a, b);

        Assert.Equal(IceConnectionState.Connected, a.State);
        Assert.Equal(IceConnectionState.Connected, b.State);
        Assert.True(a.IsControlling);
        Assert.False(b.IsControlling);
        Assert.NotNull(a.SelectedPair);
        Assert.Equal(IceCandidateType.Host, a.SelectedPair.Local.Type);
        await WaitForAsync(() => b.SelectedPair is not null, "B to select");
        Assert.Equal(a.SelectedPair.Local.Port, b.SelectedPair!.Remote.Port);

        byte[] dtlsLike = [22, 254, 253, 0, 1, 2, 3];
        byte[] rtpLike = [0x80, 111, 0, 1, 9, 9, 9, 9];
        await a.SendAsync(dtlsLike, CancellationToken.None);
        await b.SendAsync(rtpLike, CancellationToken.None);
        await WaitForAsync(() => !receivedByB.Received.IsEmpty && !receivedByA.Received.IsEmpty, "data both ways");
        Assert.Equal(dtlsLike, receivedByB.Received.Single());
        Assert.Equal(rtpLike, receivedByA.Received.Single());
        await WaitForAsync(() => statesA.Saw(IceConnectionState.Connected), "state event");
        Assert.Equal([IceConnectionState.Checking, IceConnectionState.Connected], statesA.States.Take(2));
    }

    [Fact]
    public async Task AnAgentOnItsOwnReceiveLoop_TalksToOneOnTheSharedReceiveThread()
    {
        await using var a = CreateAgent(controlling: true, o => o.SharedReceiveThread = false);
        await using var b = CreateAgent(controlling: false);
        var receivedByA = new CollectingDataHandler();
        var receivedByB = new CollectingDataHandler();
        a.DataHandler = receivedByA;
        b.DataHandler = receivedByB;

        await ConnectAsync(a, b);
        byte[] toB = [0x80, 111, 0, 1];
        byte[] toA = [0x80, 111, 0, 2];
        await a.SendAsync(toB, CancellationToken.None);
        await b.SendAsync(toA, CancellationToken.None);
        await WaitForAsync(() => !receivedByB.Received.IsEmpty && !receivedByA.Received.IsEmpty, "data both ways");
        Assert.Equal(toB, receivedByB.Received.Single());
        Assert.Equal(toA, receivedByA.Received.Single());
    }

    [Fact]
    public async Task ControllingSideWithoutRemoteCandidates_LearnsPeerReflexiveAndConnects()
    {
        await using var a = CreateAgent(controlling: true);
        await using var b = CreateAgent(controlling: false);
        await ConnectAsync(a, b, trickleToA: false);
        Assert.Equal(IceCandidateType.PeerReflexive, a.SelectedPair!.Remote.Type);
    }

    [Fact]
    public async Task PeerReflexiveRemote_SignalledLater_TakesTheSignalledPriority()
    {
        await using var a = CreateAgent(controlling: true);
        await using var b = CreateAgent(controlling: false);
        await ConnectAsync(a, b, trickleToA: false);
        var learned = Assert.Single(a.GetCheckList());
        Assert.Equal(IceCandidateType.PeerReflexive, learned.Pair.Remote.Type);

        var signalled = Assert.Single(b.GetLocalCandidates());
        a.AddRemoteCandidate(signalled);

        var replaced = Assert.Single(a.GetCheckList());
        Assert.Equal(IceCandidateType.Host, replaced.Pair.Remote.Type);
        var local = replaced.Pair.Local.Priority;
        var expected = ((ulong)Math.Min(local, signalled.Priority) << 32) + (2 * (ulong)Math.Max(local, signalled.Priority)) + (local > signalled.Priority ? 1ul : 0ul);
        Assert.Equal(expected, replaced.Priority);
        Assert.True(replaced.Priority > learned.Priority);
    }

    [Fact]
    public async Task ControlledSideWithoutRemoteCandidates_LearnsPeerReflexiveAndConnects()
    {
        await using var a = CreateAgent(controlling: true);
        await using var b = CreateAgent(controlling: false);
        await ConnectAsync(a, b, trickleToB: false);
        await WaitForAsync(() => b.SelectedPair is not null, "B to select");
        Assert.Equal(IceCandidateType.PeerReflexive, b.SelectedPair!.Remote.Type);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RoleConflict_IsRepairedByTieBreaker(bool bothControlling)
    {
        await using var a = CreateAgent(controlling: bothControlling);
        await using var b = CreateAgent(controlling: bothControlling);
        await ConnectAsync(a, b);
        Assert.NotEqual(a.IsControlling, b.IsControlling);
        Assert.Equal(IceConnectionState.Connected, a.State);
        Assert.Equal(IceConnectionState.Connected, b.State);
    }

    [Fact]
    public async Task Ipv4MappedRemoteCandidates_AreNormalised()
    {
        await using var a = CreateAgent(controlling: true);
        await using var b = CreateAgent(controlling: false);
        await ConnectAsync(a, b, mapToB: c => c with { Address = IPAddress.Parse(c.Address).MapToIPv6().ToString() });

        // A's checks can reach B before A's trickled candidate does; B then selects A as peer-reflexive, and the
        // signalled candidate, once normalised, must be recognised as that same address and replace it.
        // Were it not normalised it would stay a second, unused candidate and this would time out.
        await WaitForAsync(() => b.SelectedPair is { Remote.Type: IceCandidateType.Host }, "B's selected remote to become the signalled host candidate");
        Assert.Equal("127.0.0.1", b.SelectedPair!.Remote.Address);
    }

    [Fact]
    public async Task RemoteLite_MakesFullAgentControlling()
    {
        await using var a = CreateAgent(controlling: false);
        await a.GatherAsync(CancellationToken.None);
        a.SetRemoteCredentials("liteufrag", "litepasswordlitepassword", remoteIsLite: true);
        Assert.True(a.IsControlling);
    }

    [Fact]
    public async Task ConsentLoss_GoesDisconnectedThenFailed_AndStopsSending()
    {
        await using var a = CreateAgent(controlling: true, o => o.ConsentTimeout = TimeSpan.FromSeconds(2));
        var b = CreateAgent(controlling: false);
        var states = new StateRecorder(a);
        await ConnectAsync(a, b);

        // The peer vanishes: its socket is gone, so consent requests go unanswered.
        await b.DisposeAsync();

        await WaitForAsync(() => a.State == IceConnectionState.Failed, "consent expiry");
        await WaitForAsync(() => states.Saw(IceConnectionState.Failed), "Failed event");
        var order = states.States.ToList();
        Assert.True(order.IndexOf(IceConnectionState.Disconnected) > order.IndexOf(IceConnectionState.Connected));
        Assert.True(order.IndexOf(IceConnectionState.Failed) > order.IndexOf(IceConnectionState.Disconnected));
        Assert.Null(a.SelectedPair);
        await a.SendAsync(new byte[] { 0x80, 0 }, CancellationToken.None); // dropped, no throw
    }

    [Fact]
    public async Task Consent_KeepsAHealthyConnectionUp()
    {
        // 4 s timeout: consent every ~1 s, so several rounds pass while a stalled, overloaded test host cannot expire it.
        await using var a = CreateAgent(controlling: true, o => o.ConsentTimeout = TimeSpan.FromSeconds(4));
        await using var b = CreateAgent(controlling: false, o => o.ConsentTimeout = TimeSpan.FromSeconds(4));
        var states = new StateRecorder(a);
        await ConnectAsync(a, b);
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(IceConnectionState.Connected, a.State);
        Assert.False(states.Saw(IceConnectionState.Failed));
    }

    [Fact]
    public async Task DataFromAnUnvalidatedSource_IsDropped()
    {
        await using var a = CreateAgent(controlling: true);
        await using var b = CreateAgent(controlling: false);
        var received = new CollectingDataHandler();
        a.DataHandler = received;
        await ConnectAsync(a, b);

        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, a.GetLocalCandidates()[0].Port);
        await stranger.SendToAsync(new byte[] { 0x80, 0, 0, 1 }, target);
        await WaitForAsync(() => a.DroppedDatagrams == 1, "drop count");
        Assert.Empty(received.Received);
    }

    [Fact]
    public async Task UnauthenticatedBindingRequest_Gets401_AndGarbageIsSurvived()
    {
        await using var a = CreateAgent(controlling: false);
        await a.GatherAsync(CancellationToken.None);
        var port = a.GetLocalCandidates()[0].Port;
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, port);

        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var junk = new byte[random.Next(1, 200)];
            random.NextBytes(junk);
            junk[0] = (byte)(junk[0] & 0x03); // land in the STUN range
            await client.SendToAsync(junk, target);
        }

        var request = new byte[128];
        var writer = new StunMessageWriter(request, StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom());
        writer.AddString(StunAttributeType.Username, $"{a.LocalUfrag}:x");
        writer.AddMessageIntegrity("wrong password"u8);
        writer.AddFingerprint();
        await client.SendToAsync(request.AsMemory(0, writer.Length), target);

        var response = new byte[512];
        using var cts = new CancellationTokenSource(TestTimeout);
        var length = await client.ReceiveAsync(response, cts.Token);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(response.AsSpan(0, length), out var message));
        Assert.Equal(StunClass.ErrorResponse, message.Class);
        Assert.True(message.TryGetErrorCode(out var code, out _));
        Assert.Equal(401, code);
        Assert.Equal(IceConnectionState.New, a.State);
    }

    [Fact]
    public async Task Restart_ReconnectsWithNewCredentials()
    {
        await using var a = CreateAgent(controlling: true);
        await using var b = CreateAgent(controlling: false);
        await ConnectAsync(a, b);
        var oldUfrag = a.LocalUfrag;

        a.Restart();
        b.Restart();
        Assert.NotEqual(oldUfrag, a.LocalUfrag);
        await ExchangeAndConnectAsync(a, b);
        Assert.Equal(IceConnectionState.Connected, a.State);
    }

    [Fact]
    public async Task ConnectWithoutAnyReachablePeer_FailsAfterEndOfCandidates()
    {
        await using var a = CreateAgent(controlling: true, o => o.ConnectTimeout = TimeSpan.FromSeconds(20));
        await a.GatherAsync(CancellationToken.None);
        a.SetRemoteCredentials("ufrag", "passwordpasswordpassword");
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var deadPort = ((IPEndPoint)closed.LocalEndPoint!).Port; // bound but silent
        a.AddRemoteCandidate(new IceCandidate("1", 1, "udp", 2130706431, "127.0.0.1", deadPort, IceCandidateType.Host));
        a.AddRemoteEndOfCandidates();
        var ex = await Assert.ThrowsAsync<IceException>(() => a.ConnectAsync(CancellationToken.None).WaitAsync(TestTimeout));
        Assert.Contains("failed", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(IceConnectionState.Failed, a.State);
    }
}
