using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Sdp;
using PhoneBridge.Rtc.Tests.Ice;
using PhoneBridge.Rtc.Tests.Turn;

namespace PhoneBridge.Rtc.Tests.Interop;

/// <summary>A whole call relayed through a local coturn: our side is relay-only, aiortc answers from its host candidate.</summary>
/// <remarks>
/// aiortc relay-only is not tested: aioice's RELAY policy only hides host candidates, it still checks from its host
/// socket, and on loopback coturn's per-IP permission lets that check through, so aiortc's own side may not relay.
/// </remarks>
[Collection(InteropCollection.Name)]
public sealed partial class TurnRelayedInteropTests(CoturnFixture coturn) : IClassFixture<CoturnFixture>
{
    private const int Rate = 8000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Audio_flows_both_ways_through_coturn_when_we_are_relay_only()
    {
        var server = coturn.Server;
        using var cts = new CancellationTokenSource(Timeout);
        var wav = Path.Combine(Path.GetTempPath(), $"aiortc-{Guid.NewGuid():N}.wav");
        await using var peer = PythonPeer.Start("aiortc_peer.py", "--role", "answer", "--seconds", "5", "--wav", wav);
        var options = PeerConnectionLoopbackTests.LoopbackOptions();
        options.RelayOnly = true;
        options.IceServers = [new RtcIceServerOptions { Urls = [server.TurnUrl], Username = CoturnServer.Username, Credential = CoturnServer.Password }];
        var pc = new PeerConnection(options, NullLoggerFactory.Instance, TimeProvider.System);
        int clientPort;
        try
        {
            var track = pc.AddAudioTrack(MediaDirection.SendRecv, Rate, "phone-audio", "phone");
            var connected = PeerConnectionLoopbackTests.Connected(pc);
            pc.SetLocalDescription(await pc.CreateOfferAsync(cts.Token));

            // aiortc 1.4 takes candidates only from the SDP, so send the offer once the relay is allocated.
            await pc.GatheringComplete.WaitAsync(cts.Token);
            var offer = SessionDescription.Parse(pc.LocalDescription!.Sdp);
            var candidate = Assert.Single(offer.Media[0].Candidates);
            Assert.Contains(" typ relay", candidate, StringComparison.Ordinal);
            await peer.WriteAsync(new { type = "offer", sdp = pc.LocalDescription.Sdp }, cts.Token);
            var answer = (await peer.ReadAsync("answer", cts.Token)).GetProperty("sdp").GetString()!;
            await pc.SetRemoteDescriptionAsync(new(RtcSdpType.Answer, answer), cts.Token);

            await connected.WaitAsync(cts.Token);
            var atAiortc = await peer.ReadAsync("connected", cts.Token);
            var selected = pc.SelectedPair!;
            Assert.Equal(IceCandidateType.Relayed, selected.Local.Type);
            Assert.InRange(selected.Local.Port, server.MinRelayPort, server.MaxRelayPort);
            Assert.Equal("host", atAiortc.GetProperty("local").GetString());
            clientPort = selected.Local.RelatedPort!.Value;

            await AiortcInteropTests.RunExchange(pc, track, peer, wav, cts.Token, Task.CompletedTask);
        }
        finally
        {
            // Disposing releases the allocation, which makes coturn log what it relayed for it.
            await pc.DisposeAsync();
        }

        // coturn names the session by our client port when it closes it; its usage lines come just before.
        var session = string.Empty;
        await IceTestHelpers.WaitForAsync(() => (session = ClosedSession(server.LogText, clientPort)) is not null, "coturn to close our allocation");
        var log = server.LogText;
        Assert.Contains($"session {session}: realm <{CoturnServer.Realm}> user <{CoturnServer.Username}>: incoming packet ALLOCATE processed, success", log, StringComparison.Ordinal);

        // 5 s of 20 ms packets each way went through the relay (the ICE checks alone are a few dozen).
        var usage = PeerUsagePattern().Match(log[..log.IndexOf($"session {session}: closed", StringComparison.Ordinal)]
            .Split('\n').Last(l => l.Contains($"session {session}: peer usage", StringComparison.Ordinal)));
        var (received, sent) = (long.Parse(usage.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(usage.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.True(received > 150 && sent > 150, $"coturn relayed {received} packets from and {sent} to aiortc");
    }

    private static string? ClosedSession(string log, int clientPort) =>
        ClosedPattern().Matches(log).FirstOrDefault(m => m.Groups[2].Value == clientPort.ToString(CultureInfo.InvariantCulture))?.Groups[1].Value;

    [GeneratedRegex(@"session (\d+): closed \(2nd stage\).*remote 127\.0\.0\.1:(\d+)")]
    private static partial Regex ClosedPattern();

    [GeneratedRegex(@"peer usage: realm=<[^>]*>, username=<[^>]*>, rp=(\d+), rb=\d+, sp=(\d+), sb=\d+")]
    private static partial Regex PeerUsagePattern();
}
