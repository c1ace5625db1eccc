using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Opus;
using PhoneBridge.Rtc.Sdp;
using PhoneBridge.Rtc.Srtp;
using PhoneBridge.Rtc.Tests.Media;
using PhoneBridge.Rtc.Tests.Sdp;

namespace PhoneBridge.Rtc.Tests.Interop;

[Collection(InteropCollection.Name)]
public class PeerConnectionLoopbackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    internal static RtcOptions LoopbackOptions(bool gcm = true, OpusImplementation opus = OpusImplementation.Auto) => new()
    {
        HostAddresses = ["127.0.0.1"],
        EnableSrtpGcm = gcm,
        ConsentTimeout = TimeSpan.FromSeconds(5),
        OpusImplementation = opus,
    };

    [Theory]
    [InlineData(8000, true, OpusImplementation.Auto, OpusImplementation.Auto)]
    [InlineData(16000, false, OpusImplementation.Auto, OpusImplementation.Auto)]
    [InlineData(8000, true, OpusImplementation.Managed, OpusImplementation.Native)]
    [InlineData(16000, false, OpusImplementation.Native, OpusImplementation.Managed)]
    public async Task Two_connections_exchange_audio_both_ways(int rate, bool gcm, OpusImplementation offererOpus, OpusImplementation answererOpus)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var offerer = new PeerConnection(LoopbackOptions(gcm, offererOpus), NullLoggerFactory.Instance, TimeProvider.System);
        await using var answerer = new PeerConnection(LoopbackOptions(opus: answererOpus), NullLoggerFactory.Instance, TimeProvider.System) { DefaultReceiveSampleRate = rate };
        var offTrack = offerer.AddAudioTrack(MediaDirection.SendRecv, rate, "phone-audio", "phone");
        var ansTrack = answerer.AddAudioTrack(MediaDirection.SendRecv, rate, "agent-audio", "agent");
        var remoteAtAnswerer = new TaskCompletionSource<RemoteAudioTrack>();
        answerer.RemoteTrackAdded += t => remoteAtAnswerer.TrySetResult(t);
        var connected = Connected(offerer, answerer);

        var offer = await offerer.CreateOfferAsync(cts.Token);
        offerer.SetLocalDescription(offer);
        await answerer.SetRemoteDescriptionAsync(offer, cts.Token);
        var answer = await answerer.CreateAnswerAsync(cts.Token);
        answerer.SetLocalDescription(answer);
        await offerer.SetRemoteDescriptionAsync(answer, cts.Token);
        await connected.WaitAsync(cts.Token);

        Assert.Equal(gcm ? SrtpProfile.AeadAes128Gcm : SrtpProfile.AesCm128HmacSha1_80, offerer.SrtpProfile);
        Assert.Equal(PhoneBridge.Rtc.Dtls.DtlsRole.Server, offerer.DtlsRole);
        Assert.Equal(PhoneBridge.Rtc.Dtls.DtlsRole.Client, answerer.DtlsRole);
        var atAnswerer = await remoteAtAnswerer.Task.WaitAsync(cts.Token);
        Assert.Equal(("phone", "phone-audio", "0"), (atAnswerer.StreamId, atAnswerer.TrackId, atAnswerer.Mid));
        var atOfferer = Assert.Single(offerer.RemoteTracks);
        Assert.Equal("agent", atOfferer.StreamId);

        var signal = TestSignal.ToneAndChirp(rate, 2.0);
        var captureA = new AudioCapture(atAnswerer, rate * 2);
        var captureB = new AudioCapture(atOfferer, rate * 2);
        using var pump = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var pumps = Task.WhenAll(AudioPump.RunAsync(offTrack, signal, pump.Token), AudioPump.RunAsync(ansTrack, signal, pump.Token));
        await Task.WhenAll(captureA.Completed, captureB.Completed).WaitAsync(cts.Token);
        await pump.CancelAsync();
        await pumps;

        AssertCarries(signal, captureA.Samples, rate);
        AssertCarries(signal, captureB.Samples, rate);
        Assert.NotEqual(-1, atAnswerer.LastAudioLevel);
        Assert.Equal(0, offerer.UnprotectFailures + answerer.UnprotectFailures);
    }

    [Fact]
    public async Task Closing_one_side_is_seen_by_the_other()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var a = new PeerConnection(LoopbackOptions(), NullLoggerFactory.Instance, TimeProvider.System);
        var b = new PeerConnection(LoopbackOptions(), NullLoggerFactory.Instance, TimeProvider.System);
        a.AddAudioTrack(MediaDirection.SendOnly, 8000);
        b.AddAudioTrack(MediaDirection.RecvOnly, 8000);
        await Negotiate(a, b, cts.Token);
        var gone = new TaskCompletionSource<PeerConnectionState>();
        a.StateChanged += s =>
        {
            if (s is PeerConnectionState.Closed or PeerConnectionState.Failed or PeerConnectionState.Disconnected)
            {
                gone.TrySetResult(s);
            }
        };

        await b.DisposeAsync();

        Assert.Equal(PeerConnectionState.Closed, b.State);
        var state = await gone.Task.WaitAsync(cts.Token);
        Assert.Equal(PeerConnectionState.Closed, state);
    }

    [Fact]
    public async Task Bad_remote_sdp_is_rejected_without_changing_state()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var pc = new PeerConnection(LoopbackOptions(), NullLoggerFactory.Instance, TimeProvider.System);
        pc.AddAudioTrack(MediaDirection.SendRecv, 8000);
        var offer = SdpFixtures.Read("aiortc-offer.sdp");

        await Assert.ThrowsAsync<SdpParseException>(() => pc.SetRemoteDescriptionAsync(new(RtcSdpType.Offer, "v=1"), cts.Token));
        await Assert.ThrowsAsync<ArgumentException>(() => pc.SetRemoteDescriptionAsync(
            new(RtcSdpType.Offer, offer.Replace("a=fingerprint:sha-256", "a=fingerprint:sha-1", StringComparison.Ordinal)), cts.Token));
        await Assert.ThrowsAsync<ArgumentException>(() => pc.SetRemoteDescriptionAsync(
            new(RtcSdpType.Offer, offer.Replace("a=ice-ufrag:Ai5s\r\n", string.Empty, StringComparison.Ordinal)), cts.Token));
        Assert.Equal(PeerConnectionState.New, pc.State);
        Assert.Throws<InvalidOperationException>(() => { pc.SetLocalDescription(new(RtcSdpType.Answer, offer)); });
    }

    [Fact]
    public async Task Answer_to_stream_sfu_offer_accepts_both_tracks_and_keeps_msid_stream_ids()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var pc = new PeerConnection(LoopbackOptions(), NullLoggerFactory.Instance, TimeProvider.System) { DefaultReceiveSampleRate = 16000 };
        var added = new List<RemoteAudioTrack>();
        pc.RemoteTrackAdded += added.Add;

        await pc.SetRemoteDescriptionAsync(new(RtcSdpType.Offer, SdpFixtures.Read("stream-sfu-offer.sdp")), cts.Token);
        var answer = SessionDescription.Parse((await pc.CreateAnswerAsync(cts.Token)).Sdp);

        Assert.Equal(["a1e5f21f716affb7:TRACK_TYPE_AUDIO:eO", "5c9e07a2b33f4d18:TRACK_TYPE_AUDIO:Qa"], added.Select(t => t.StreamId));
        Assert.All(added, t => Assert.Equal(16000, t.SampleRate));
        Assert.Equal(["0", "1"], answer.BundleMids);
        Assert.All(answer.Media, m =>
        {
            Assert.Equal(MediaDirection.RecvOnly, m.Direction);
            Assert.Equal(SdpSetupRole.Active, m.Setup);
            Assert.Equal(111, m.Codecs.Single().PayloadType);
            Assert.Equal("1", m.Codecs[0].Parameter("stereo"));
            Assert.Equal(1, m.ExtmapId(SdpExtmap.AudioLevelUri));
            Assert.Null(m.ExtmapId(SdpExtmap.SdesMidUri));
            Assert.True(m.RtcpMux);
            Assert.NotEmpty(m.Candidates);
        });
    }

    [Fact]
    public async Task Offer_contains_everything_a_browser_needs()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var pc = new PeerConnection(LoopbackOptions(), NullLoggerFactory.Instance, TimeProvider.System);
        pc.AddAudioTrack(MediaDirection.SendOnly, 8000, "t1", "s1");
        var candidates = new List<PhoneBridge.Rtc.Ice.IceCandidate?>();
        pc.LocalCandidate += candidates.Add;

        var offer = SessionDescription.Parse((await pc.CreateOfferAsync(cts.Token)).Sdp);

        var m = Assert.Single(offer.Media);
        Assert.Equal("UDP/TLS/RTP/SAVPF", m.Protocol);
        Assert.Equal(SdpSetupRole.ActPass, m.Setup);
        Assert.Equal(MediaDirection.SendOnly, m.Direction);
        Assert.Equal(new SdpMsid("s1", "t1"), m.Msid);
        Assert.Equal(pc.Certificate.SdpFingerprint, m.Fingerprint!.ToString());
        Assert.Equal("opus", m.Codecs.Single().Name);
        Assert.Equal("1", m.Codecs[0].Parameter("useinbandfec"));
        Assert.NotNull(m.PrimarySsrc);
        Assert.Contains(m.Candidates, c => c.Contains("127.0.0.1", StringComparison.Ordinal));
        Assert.Equal(["0"], offer.BundleMids);
    }

    internal static async Task Negotiate(PeerConnection offerer, PeerConnection answerer, CancellationToken ct)
    {
        var connected = Connected(offerer, answerer);
        var offer = await offerer.CreateOfferAsync(ct);
        offerer.SetLocalDescription(offer);
        await answerer.SetRemoteDescriptionAsync(offer, ct);
        var answer = await answerer.CreateAnswerAsync(ct);
        answerer.SetLocalDescription(answer);
        await offerer.SetRemoteDescriptionAsync(answer, ct);
        await connected.WaitAsync(ct);
    }

    internal static Task Connected(params PeerConnection[] connections) =>
        Task.WhenAll(connections.Select(pc =>
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            pc.StateChanged += s =>
            {
                if (s == PeerConnectionState.Connected)
                {
                    tcs.TrySetResult();
                }
                else if (s is PeerConnectionState.Failed or PeerConnectionState.Closed)
                {
                    tcs.TrySetException(new InvalidOperationException($"connection {pc.Id} went {s}"));
                }
            };
            return tcs.Task;
        }));

    /// <param name="context">Said on failure, e.g. which side received and its receive counters.</param>
    internal static void AssertCarries(short[] signal, short[] received, int rate, string? context = null)
    {
        // The sender loops the signal, so find where chunks of received audio (after 300 ms of settling) sit in it.
        // The best of a few chunks is used so one scheduling glitch on a loaded machine does not decide the result.
        Assert.True(received.Length >= (rate * 3 / 10) + (rate / 5), $"only {received.Length} samples received");
        var looped = signal.Concat(signal).ToArray();
        var results = new List<double>();
        for (var start = rate * 3 / 10; start + (rate / 5) <= received.Length && results.Count < 8; start += rate / 4)
        {
            results.Add(TestSignal.BestCorrelation(received.AsSpan(start, rate / 5), looped, signal.Length).Correlation);
        }

        Assert.True(results.Max() > 0.8, $"correlations {string.Join(", ", results.Select(c => c.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}; {context}");
    }
}
