using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Sdp;
using PhoneBridge.Rtc.Srtp;
using PhoneBridge.Rtc.Tests.Media;

namespace PhoneBridge.Rtc.Tests.Interop;

/// <summary>Real aiortc 1.4 peers on loopback, in both offer/answer (and so both DTLS) roles.</summary>
[Collection(InteropCollection.Name)]
public class AiortcInteropTests
{
    private const int Rate = 8000;
    // aiortc counts what it receives over a fixed window that starts at its own connect; we start sending a little later.
    private const double Seconds = 5.0;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Aiortc_offers_and_we_answer_as_dtls_client()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var wav = Path.Combine(Path.GetTempPath(), $"aiortc-{Guid.NewGuid():N}.wav");
        await using var peer = PythonPeer.Start("aiortc_peer.py", "--role", "offer", "--seconds", Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--wav", wav);
        await using var pc = new PeerConnection(PeerConnectionLoopbackTests.LoopbackOptions(), NullLoggerFactory.Instance, TimeProvider.System) { DefaultReceiveSampleRate = Rate };
        var track = pc.AddAudioTrack(MediaDirection.SendRecv, Rate, "phone-audio", "phone");
        var connected = PeerConnectionLoopbackTests.Connected(pc);

        var offer = (await peer.ReadAsync("offer", cts.Token)).GetProperty("sdp").GetString()!;
        await pc.SetRemoteDescriptionAsync(new(RtcSdpType.Offer, offer), cts.Token);
        var answer = await pc.CreateAnswerAsync(cts.Token);
        pc.SetLocalDescription(answer);
        Assert.Equal(SdpSetupRole.Active, SessionDescription.Parse(answer.Sdp).Media[0].Setup);
        Assert.Equal(96, SessionDescription.Parse(answer.Sdp).Media[0].Codecs[0].PayloadType);
        await peer.WriteAsync(new { type = "answer", sdp = answer.Sdp }, cts.Token);

        await RunExchange(pc, track, peer, wav, cts.Token, connected);
        Assert.Equal(PhoneBridge.Rtc.Dtls.DtlsRole.Client, pc.DtlsRole);
    }

    [Fact]
    public async Task We_offer_and_aiortc_answers_so_we_are_dtls_server()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var wav = Path.Combine(Path.GetTempPath(), $"aiortc-{Guid.NewGuid():N}.wav");
        await using var peer = PythonPeer.Start("aiortc_peer.py", "--role", "answer", "--seconds", Seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--wav", wav);
        await using var pc = new PeerConnection(PeerConnectionLoopbackTests.LoopbackOptions(), NullLoggerFactory.Instance, TimeProvider.System);
        var track = pc.AddAudioTrack(MediaDirection.SendRecv, Rate, "phone-audio", "phone");
        var connected = PeerConnectionLoopbackTests.Connected(pc);

        var offer = await pc.CreateOfferAsync(cts.Token);
        pc.SetLocalDescription(offer);
        await peer.WriteAsync(new { type = "offer", sdp = offer.Sdp }, cts.Token);
        var answer = (await peer.ReadAsync("answer", cts.Token)).GetProperty("sdp").GetString()!;
        await pc.SetRemoteDescriptionAsync(new(RtcSdpType.Answer, answer), cts.Token);

        await RunExchange(pc, track, peer, wav, cts.Token, connected);
        Assert.Equal(PhoneBridge.Rtc.Dtls.DtlsRole.Server, pc.DtlsRole);
    }

    [Fact]
    public async Task Vanished_aiortc_peer_is_detected_by_consent_freshness()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var wav = Path.Combine(Path.GetTempPath(), $"aiortc-{Guid.NewGuid():N}.wav");
        await using var peer = PythonPeer.Start("aiortc_peer.py", "--role", "answer", "--seconds", "30", "--wav", wav);
        var options = PeerConnectionLoopbackTests.LoopbackOptions();
        options.ConsentTimeout = TimeSpan.FromSeconds(4);
        await using var pc = new PeerConnection(options, NullLoggerFactory.Instance, TimeProvider.System);
        pc.AddAudioTrack(MediaDirection.SendRecv, Rate);
        var connected = PeerConnectionLoopbackTests.Connected(pc);
        var offer = await pc.CreateOfferAsync(cts.Token);
        pc.SetLocalDescription(offer);
        await peer.WriteAsync(new { type = "offer", sdp = offer.Sdp }, cts.Token);
        var answer = (await peer.ReadAsync("answer", cts.Token)).GetProperty("sdp").GetString()!;
        await pc.SetRemoteDescriptionAsync(new(RtcSdpType.Answer, answer), cts.Token);
        await connected.WaitAsync(cts.Token);
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pc.StateChanged += s =>
        {
            if (s == PeerConnectionState.Failed)
            {
                failed.TrySetResult();
            }
        };

        await peer.KillAsync();

        // Consent expiry (4 s here) plus check pacing; generous bound for a loaded machine.
        await failed.Task.WaitAsync(TimeSpan.FromSeconds(30), cts.Token);
        Assert.Equal(PeerConnectionState.Failed, pc.State);
    }

    internal static async Task RunExchange(PeerConnection pc, LocalAudioTrack track, PythonPeer peer, string wav, CancellationToken ct, Task connected)
    {
        try
        {
            await connected.WaitAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"not connected; aiortc said: {peer.Stderr}", e);
        }

        // aiortc 1.4 only implements SRTP_AES128_CM_SHA1_80.
        Assert.Equal(SrtpProfile.AesCm128HmacSha1_80, pc.SrtpProfile);
        var remote = Assert.Single(pc.RemoteTracks);
        var capture = new AudioCapture(remote, (int)(Rate * 2.5));
        var signal = TestSignal.ToneAndChirp(Rate, 2.0);
        using var pumpCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pump = AudioPump.RunAsync(track, signal, pumpCts.Token);
        var done = await peer.ReadAsync("done", ct);
        await capture.Completed.WaitAsync(ct);
        await pumpCts.CancelAsync();
        await pump;

        PeerConnectionLoopbackTests.AssertCarries(signal, capture.Samples, Rate);
        Assert.True(done.GetProperty("samples").GetInt32() > 48000, $"aiortc received {done.GetProperty("samples").GetInt32()} samples");
        var atAiortc = PythonPeer.Decimate(PythonPeer.ReadWavMono16(wav), 6);
        File.Delete(wav);
        PeerConnectionLoopbackTests.AssertCarries(signal, atAiortc, Rate);
    }
}
