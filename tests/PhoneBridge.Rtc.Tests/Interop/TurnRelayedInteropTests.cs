using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Sdp;
using PhoneBridge.Rtc.Tests.Ice;
using PhoneBridge.Rtc.Tests.Turn;

namespace PhoneBridge.Rtc.Tests.Interop;

/// <summary>A whole call relayed through a local coturn: our side is relay-only, aiortc is direct or relay-only too.</summary>
[Collection(InteropCollection.Name)]
public sealed partial class TurnRelayedInteropTests(CoturnFixture coturn) : IClassFixture<CoturnFixture>
{
    private const int Rate = 8000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Audio_flows_both_ways_through_coturn_when_we_are_relay_only(bool aiortcRelayOnly)
    {
        var server = coturn.Server;
        var logStart = server.LogText.Length;
        using var cts = new CancellationTokenSource(Timeout);
        var wav = Path.Combine(Path.GetTempPath(), $"aiortc-{Guid.NewGuid():N}.wav");
        List<string> args = ["--role", "answer", "--seconds", "5", "--wav", wav];
        if (aiortcRelayOnly)
        {
            args.AddRange(["--turn", server.TurnUrl, "--turn-user", CoturnServer.Username, "--turn-password", CoturnServer.Password, "--relay-only"]);
        }

        await using var peer = PythonPeer.Start("aiortc_peer.py", [.. args]);
        var options = PeerConnectionLoopbackTests.LoopbackOptions();
        options.RelayOnly = true;
        options.IceServers = [new RtcIceServerOptions { Urls = [server.TurnUrl], Username = CoturnServer.Username, Credential = CoturnServer.Password }];
        var pc = new PeerConnection(options, NullLoggerFactory.Instance, TimeProvider.System);
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
            Assert.Equal(aiortcRelayOnly, SessionDescription.Parse(answer).Media[0].Candidates.All(c => c.Contains(" typ relay", StringComparison.Ordinal)));
            await pc.SetRemoteDescriptionAsync(new(RtcSdpType.Answer, answer), cts.Token);

            await connected.WaitAsync(cts.Token);
            var atAiortc = await peer.ReadAsync("connected", cts.Token);
            Assert.Equal(IceCandidateType.Relayed, pc.SelectedPair!.Local.Type);
            Assert.InRange(pc.SelectedPair.Local.Port, server.MinRelayPort, server.MaxRelayPort);
            Assert.Equal(aiortcRelayOnly ? "relay" : "host", atAiortc.GetProperty("local").GetString());

            await AiortcInteropTests.RunExchange(pc, track, peer, wav, cts.Token, Task.CompletedTask);
        }
        finally
        {
            // Disposing releases the allocation, which makes coturn log what it relayed for it.
            await pc.DisposeAsync();
        }

        string Log() => server.LogText[logStart..];
        await IceTestHelpers.WaitForAsync(() => PeerUsage(Log()).Count >= (aiortcRelayOnly ? 2 : 1), "coturn's usage report of the released allocation");

        var log = Log();
        Assert.Contains($"user <{CoturnServer.Username}>: incoming packet ALLOCATE processed, success", log, StringComparison.Ordinal);

        // 5 s of 20 ms packets each way went through the relay (the ICE checks alone are a few dozen).
        var usage = PeerUsage(log);
        Assert.Contains(usage, u => u.Received > 150 && u.Sent > 150);
    }

    /// <summary>coturn's per-allocation "peer usage" lines: packets received from and sent to peers on the relay.</summary>
    private static List<(long Received, long Sent)> PeerUsage(string log) =>
        [.. PeerUsagePattern().Matches(log).Select(m => (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))];

    [GeneratedRegex(@"peer usage: realm=<[^>]*>, username=<[^>]*>, rp=(\d+), rb=\d+, sp=(\d+), sb=\d+")]
    private static partial Regex PeerUsagePattern();
}
