using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneBridge.Audio;
using PhoneBridge.Core.Edge;
using PhoneBridge.Rtc;
using PhoneBridge.Stream.Edge;
using PhoneBridge.Stream.Tests.Fakes;

namespace PhoneBridge.Stream.Tests.Edge;

/// <summary>The Stream edge with real WebRTC media against the fake SFU running the same stack, on loopback.</summary>
public class StreamEdgeMediaTests
{
    private sealed class Handler : IEdgeSessionHandler, IAudioFrameSink
    {
        public IAudioFrameSink RemoteAudio => this;

        public long AudibleFrames;

        public ConcurrentQueue<int> FrameSizes { get; } = new();

        public void OnFrame(ReadOnlySpan<short> pcm)
        {
            FrameSizes.Enqueue(pcm.Length);
            if (FakeStream.Peak(pcm) > 1000)
            {
                Interlocked.Increment(ref AudibleFrames);
            }
        }

        public void OnRemoteAudioResumed()
        {
        }

        public void OnHangupRequested(string reason)
        {
        }
    }

    private sealed class Clients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }

    [Fact]
    public async Task Phone_audio_reaches_the_sfu_and_the_agent_tone_reaches_the_phone_at_its_rate()
    {
        var rtc = new PeerConnectionFactory(Options.Create(new RtcOptions { HostAddresses = ["127.0.0.1"] }), NullLoggerFactory.Instance, TimeProvider.System);
        await using var fake = await FakeStream.StartAsync();
        fake.Media = rtc;
        fake.TrickleBeforeOffer = false;
        await fake.AddRemoteParticipantAsync("default:media-call", "agent", publishAudio: true);
        var options = SessionFactory.Options(fake);
        var edge = new StreamEdge(SessionFactory.Coordinator(options), new Clients(), new RtcStreamMediaFactory(rtc, NullLoggerFactory.Instance),
            TestOptions.Monitor(options), TimeProvider.System, NullLoggerFactory.Instance);
        var handler = new Handler();

        await using var session = await edge.JoinAsync(new EdgeJoinRequest("media-call", "phone-1", "Phone", 8000), handler, CancellationToken.None);

        var tone = new short[160];
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        var sfuSession = fake.Sessions.Single(s => s.UserId == "phone-1");
        var deadline = Environment.TickCount64 + 30000;
        long n = 0;
        while (Environment.TickCount64 < deadline
            && (Interlocked.Read(ref handler.AudibleFrames) < 25 || Interlocked.Read(ref sfuSession.AudibleFramesFromClient) < 25))
        {
            await timer.WaitForNextTickAsync();
            for (var i = 0; i < tone.Length; i++, n++)
            {
                tone[i] = (short)(8000 * Math.Sin(2 * Math.PI * 300 * n / 8000.0));
            }

            session.OnFrame(tone);
        }

        Assert.True(Interlocked.Read(ref sfuSession.AudibleFramesFromClient) >= 25, $"SFU heard {sfuSession.AudibleFramesFromClient} frames");
        Assert.True(Interlocked.Read(ref handler.AudibleFrames) >= 25, $"phone heard {handler.AudibleFrames} frames");
        Assert.All(handler.FrameSizes, size => Assert.Equal(160, size));

        // What the subscriber measured of the agent's RTP, for the call's quality and the metrics.
        var stats = Assert.IsType<EdgeReceiveStats>(session.ReceiveStats);
        Assert.InRange(stats.JitterMs, 0, 1000);
        Assert.InRange(stats.BufferDelayMs, 20, 60);
        Assert.True(stats.PacketsLost >= 0 && stats.FramesConcealed >= 0, stats.ToString());
        await session.LeaveAsync(CancellationToken.None);
    }
}
