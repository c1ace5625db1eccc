using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Sdp;
using PhoneBridge.Rtc.Tests.Media;
using PhoneBridge.Rtc.Tests.Turn;

namespace PhoneBridge.Rtc.Tests.Interop;

/// <summary>Headless Chromium for the ICE procedures beyond one inline offer/answer: trickle and restart.</summary>
[Collection(InteropCollection.Name)]
public sealed class ChromiumIceTests(ChromiumFixture chromium, CoturnFixture coturn) : IClassFixture<ChromiumFixture>, IClassFixture<CoturnFixture>
{
    private const int Rate = 8000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Candidates_trickle_both_ways_with_chromium()
    {
        // Chromium gathers no loopback host candidate, so it is given the local coturn and made relay-only: its one
        // usable candidate is the relay (on 127.0.0.1), which only reaches us by trickle, as ours reach it.
        var server = coturn.Server;
        using var cts = new CancellationTokenSource(Timeout);
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await ChromiumInteropTests.OpenPage(context, chromium);
        await using var pc = new PeerConnection(PeerConnectionLoopbackTests.LoopbackOptions(), NullLoggerFactory.Instance, TimeProvider.System) { DefaultReceiveSampleRate = Rate };
        var track = pc.AddAudioTrack(MediaDirection.SendRecv, Rate, "phone-audio", "phone");
        var ours = new ConcurrentQueue<IceCandidate?>();
        pc.LocalCandidate += ours.Enqueue;
        var connected = PeerConnectionLoopbackTests.Connected(pc);

        var config = new { iceServers = new[] { new { urls = server.TurnUrl, username = CoturnServer.Username, credential = CoturnServer.Password } }, iceTransportPolicy = "relay" };
        var offer = await page.EvaluateAsync<string>("config => offerTrickling(config)", config);
        Assert.DoesNotContain("a=candidate:", offer, StringComparison.Ordinal);
        await pc.SetRemoteDescriptionAsync(new(RtcSdpType.Offer, offer), cts.Token);
        var answer = await pc.CreateAnswerAsync(cts.Token);
        pc.SetLocalDescription(answer);
        await page.EvaluateAsync("sdp => acceptAnswer(sdp)", WithoutCandidates(answer.Sdp));

        // Ours to Chromium, as our agent raised them (null = gathering done).
        var sentOurs = 0;
        var oursDone = false;
        var theirsDone = false;
        var relayTrickled = 0;
        while (!oursDone || !theirsDone)
        {
            while (ours.TryDequeue(out var candidate))
            {
                if (candidate is null)
                {
                    oursDone = true;
                    await page.EvaluateAsync("c => addCandidate(c)", string.Empty);
                }
                else
                {
                    sentOurs++;
                    await page.EvaluateAsync("c => addCandidate(c)", candidate.ToSdpAttribute());
                }
            }

            // Chromium's, as its onicecandidate raised them ('' = gathering done); only loopback ones may be used here.
            foreach (var candidate in await page.EvaluateAsync<string[]>("takeCandidates()"))
            {
                if (candidate.Length == 0)
                {
                    theirsDone = true;
                    pc.AddIceCandidate((string?)null);
                }
                else if (candidate.Contains(" 127.0.0.1 ", StringComparison.Ordinal))
                {
                    Assert.Contains(" typ relay", candidate, StringComparison.Ordinal);
                    relayTrickled++;
                    pc.AddIceCandidate(candidate);
                }
            }

            if (!oursDone || !theirsDone)
            {
                await Task.Delay(50, cts.Token);
            }
        }

        Assert.True(sentOurs > 0, "we trickled no candidate");
        Assert.True(relayTrickled > 0, "Chromium trickled no relay candidate");
        await ChromiumInteropTests.Exchange(page, pc, track, connected, cts.Token);

        // The pair joins the candidates each side trickled, not peer-reflexive ones learnt from checks.
        Assert.Equal(IceCandidateType.Relayed, pc.SelectedPair!.Remote.Type);
        Assert.Equal(IceCandidateType.Host, pc.SelectedPair.Local.Type);
        var atChromium = JsonDocument.Parse(await page.EvaluateAsync<string>("selectedPair()")).RootElement;
        Assert.Equal("relay", atChromium.GetProperty("local").GetString());
        Assert.Equal("host", atChromium.GetProperty("remote").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Ice_restart_on_a_live_call_with_chromium_keeps_audio_flowing(bool weRestart)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await ChromiumInteropTests.OpenPage(context, chromium);
        await using var pc = new PeerConnection(PeerConnectionLoopbackTests.LoopbackOptions(), NullLoggerFactory.Instance, TimeProvider.System);
        var track = pc.AddAudioTrack(MediaDirection.SendRecv, Rate, "phone-audio", "phone");
        var connected = PeerConnectionLoopbackTests.Connected(pc);
        var offer = await pc.CreateOfferAsync(cts.Token);
        pc.SetLocalDescription(offer);
        var answer = ChromiumInteropTests.LoopbackOnly(await page.EvaluateAsync<string>("sdp => answer(sdp)", offer.Sdp));
        await pc.SetRemoteDescriptionAsync(new(RtcSdpType.Answer, answer), cts.Token);
        await connected.WaitAsync(cts.Token);
        var remote = Assert.Single(pc.RemoteTracks);
        var signal = TestSignal.ToneAndChirp(Rate, 2.0);
        using var pumpCts = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var pump = AudioPump.RunAsync(track, signal, pumpCts.Token);
        var before = new AudioCapture(remote, Rate);
        await before.Completed.WaitAsync(cts.Token);

        // Restart while audio flows (either side offering it): new credentials both ways, then new checks.
        string newUfrag;
        if (weRestart)
        {
            pc.RestartIce();
            var restartOffer = await pc.CreateOfferAsync(cts.Token);
            pc.SetLocalDescription(restartOffer);
            newUfrag = Ufrag(restartOffer.Sdp);
            var restartAnswer = ChromiumInteropTests.LoopbackOnly(await page.EvaluateAsync<string>("sdp => reanswer(sdp)", restartOffer.Sdp));
            Assert.NotEqual(Ufrag(answer), Ufrag(restartAnswer));
            await pc.SetRemoteDescriptionAsync(new(RtcSdpType.Answer, restartAnswer), cts.Token);
        }
        else
        {
            var restartOffer = ChromiumInteropTests.LoopbackOnly(await page.EvaluateAsync<string>("restartOffer()"));
            Assert.NotEqual(Ufrag(answer), Ufrag(restartOffer));
            await pc.SetRemoteDescriptionAsync(new(RtcSdpType.Offer, restartOffer), cts.Token);
            var restartAnswer = await pc.CreateAnswerAsync(cts.Token);
            pc.SetLocalDescription(restartAnswer);
            newUfrag = Ufrag(restartAnswer.Sdp);
            await page.EvaluateAsync("sdp => acceptAnswer(sdp)", restartAnswer.Sdp);
        }

        Assert.NotEqual(Ufrag(offer.Sdp), newUfrag);

        // Chromium's selected pair now names our new ufrag: the new generation's checks succeeded both ways.
        while (true)
        {
            var json = await page.EvaluateAsync<string?>("selectedPair()");
            if (json is not null && JsonDocument.Parse(json).RootElement.GetProperty("remoteUfrag").GetString() == newUfrag)
            {
                break;
            }

            await Task.Delay(100, cts.Token);
        }

        var recordedAtRestart = await page.EvaluateAsync<int>("recordedCount()");
        var after = new AudioCapture(remote, Rate * 3);
        await after.Completed.WaitAsync(cts.Token);
        while (await page.EvaluateAsync<int>("recordedCount()") < recordedAtRestart + (Rate * 3))
        {
            await Task.Delay(200, cts.Token);
        }

        var atChromium = await page.EvaluateAsync<int[]>("from => takeRecorded(from)", recordedAtRestart);
        await pumpCts.CancelAsync();
        await pump;

        Assert.Equal(PeerConnectionState.Connected, pc.State);
        PeerConnectionLoopbackTests.AssertCarries(signal, after.Samples, Rate);
        PeerConnectionLoopbackTests.AssertCarries(signal, [.. atChromium.Select(s => (short)Math.Clamp(s, short.MinValue, short.MaxValue))], Rate);
        Assert.Equal(0, pc.UnprotectFailures);
    }

    private static string Ufrag(string sdp)
    {
        var parsed = SessionDescription.Parse(sdp);
        return parsed.IceUfragFor(parsed.Media[0])!;
    }

    private static string WithoutCandidates(string sdp) =>
        string.Join("\r\n", sdp.Split("\r\n").Where(l => !l.StartsWith("a=candidate:", StringComparison.Ordinal) && l != "a=end-of-candidates"));
}
