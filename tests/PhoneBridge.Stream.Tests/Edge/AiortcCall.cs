using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneBridge.Audio;
using PhoneBridge.Core.Edge;
using PhoneBridge.Rtc;
using PhoneBridge.Stream.Edge;
using PhoneBridge.Stream.Tests.Fakes;

namespace PhoneBridge.Stream.Tests.Edge;

/// <summary>One aiortc media process shared by a test class (it takes seconds to start); each test has its own fake Stream.</summary>
public sealed class AiortcMediaFixture : IAsyncLifetime
{
    /// <summary>The aiortc test classes run one after the other: real-time audio judged on two loaded cores.</summary>
    public const string Collection = "aiortc media";

    internal AiortcSfuMedia Media { get; private set; } = null!;

    public async Task InitializeAsync() => Media = await AiortcSfuMedia.StartAsync();

    public async Task DisposeAsync() => await Media.DisposeAsync();
}

/// <summary>
/// A phone call through the real Stream edge (our WebRTC stack) into the fake Stream whose media is aiortc, where an
/// agent answers. The phone speaks the known test signal continuously and records what it hears.
/// </summary>
internal sealed class AiortcCall : IAsyncDisposable
{
    public const int Rate = 8000;
    public const string PhoneUser = "phone-1";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private Task _mouth = Task.CompletedTask;

    private AiortcCall(FakeStream fake, AiortcSfuMedia media, FakeStream.FakeSession agent, StreamEdge edge, string callId)
    {
        Fake = fake;
        Media = media;
        Agent = agent;
        Edge = edge;
        CallId = callId;
    }

    public static short[] Signal { get; } = AudioQuality.ToneAndChirp(Rate, 2.0);

    public FakeStream Fake { get; }

    public AiortcSfuMedia Media { get; }

    public FakeStream.FakeSession Agent { get; }

    public StreamEdge Edge { get; }

    public string CallId { get; }

    public string CallCid => "default:" + CallId;

    public PhoneEar Ear { get; } = new(Rate * 12);

    public IEdgeSession Session { get; private set; } = null!;

    public long FramesSpoken;

    /// <summary>The phone's current SFU session (it changes on REJOIN; a MIGRATE keeps the id on another edge).</summary>
    public FakeStream.FakeSession PhoneSession =>
        Fake.Sessions.Where(s => s.UserId == PhoneUser && !s.Left).OrderByDescending(s => s.ConnectionId).First();

    public static async Task<AiortcCall> StartAsync(AiortcSfuMedia media, string agentMode = "echo")
    {
        var rtc = new PeerConnectionFactory(Options.Create(new RtcOptions { HostAddresses = ["127.0.0.1"] }), NullLoggerFactory.Instance, TimeProvider.System);
        var fake = await FakeStream.StartAsync();
        fake.MediaSide = media;
        fake.OwnsMediaSide = false;
        var callId = "call-" + Guid.NewGuid().ToString("N")[..8];
        var agent = await fake.AddAgentAsync("default:" + callId, "agent", agentMode);
        var options = SessionFactory.Options(fake);
        var edge = new StreamEdge(SessionFactory.Coordinator(options), new Clients(), new RtcStreamMediaFactory(rtc, NullLoggerFactory.Instance),
            TestOptions.Monitor(options), TimeProvider.System, NullLoggerFactory.Instance);
        var call = new AiortcCall(fake, media, agent, edge, callId);
        using var timeout = new CancellationTokenSource(Generous);
        call.Session = await edge.JoinAsync(new EdgeJoinRequest(callId, PhoneUser, "Phone", Rate), call.Ear, timeout.Token);
        call._mouth = Task.Run(call.SpeakAsync);
        return call;
    }

    /// <summary>
    /// Waits until the phone hears the agent again after <paramref name="mark"/> (an ear position), lets the path settle,
    /// then measures several seconds both ways: what the phone heard (the agent's answer) and what the agent heard.
    /// A window spoiled by the machine (two cores shared with other builds) is followed by another, up to
    /// <paramref name="windows"/>; a broken path fails every one. Returns every window measured, the last one decisive.
    /// </summary>
    public async Task<List<(AudioQuality.Measurement Phone, AudioQuality.Measurement Agent)>> MeasureBothWaysAsync(
        long mark, double seconds = 3.0, int windows = 3)
    {
        var results = new List<(AudioQuality.Measurement Phone, AudioQuality.Measurement Agent)>();
        await FakeStream.WaitUntilAsync(() => Ear.AudibleSince(mark), "the phone to hear the agent", 30000);
        while (results.Count < windows)
        {
            var (_, agentFramesAtStart) = await Media.HeardAsync(Agent, 0);
            var from = Ear.Written + (Rate / 2);
            var phoneHeard = await Ear.ReadAsync(from, (int)(Rate * seconds), Generous);

            // The agent's window, too, lies wholly after the start (and after half a second of settling).
            var needed = agentFramesAtStart + (long)((seconds + 0.5) * 50);
            var deadline = Environment.TickCount64 + (long)Generous.TotalMilliseconds;
            var (agentHeard, agentFrames) = await Media.HeardAsync(Agent, seconds);
            while (agentFrames < needed && Environment.TickCount64 < deadline)
            {
                await Task.Delay(200);
                (agentHeard, agentFrames) = await Media.HeardAsync(Agent, seconds);
            }

            if (agentFrames < needed)
            {
                throw new TimeoutException($"the agent heard {agentFrames - agentFramesAtStart} frames in the window, {needed - agentFramesAtStart} needed");
            }

            var result = (AudioQuality.Measure(phoneHeard, Signal, Rate), AudioQuality.Measure(AudioQuality.Decimate(agentHeard, 6), Signal, Rate));
            results.Add(result);
            if (AudioQuality.IsGood(result.Item1) && AudioQuality.IsGood(result.Item2))
            {
                break;
            }
        }

        return results;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _mouth;
        await Session.DisposeAsync();
        await Fake.DisposeAsync();
        _stop.Dispose();
    }

    private Task SpeakAsync() =>
        LoopedSpeaker.SpeakAsync(Session, Signal, Rate, () => Interlocked.Increment(ref FramesSpoken), _stop.Token);

    private sealed class Clients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}

/// <summary>The phone side of the edge: keeps the last seconds of what the phone hears, and hangup requests.</summary>
internal sealed class PhoneEar(int capacity) : IEdgeSessionHandler, IAudioFrameSink
{
    public IAudioFrameSink RemoteAudio => this;

    private readonly short[] _ring = new short[capacity];
    private readonly Lock _gate = new();
    private long _written;
    private long _lastAudibleAt = -1;

    public System.Collections.Concurrent.ConcurrentQueue<string> Hangups { get; } = new();

    public int FrameSize { get; private set; }

    public long Written
    {
        get
        {
            lock (_gate)
            {
                return _written;
            }
        }
    }

    public bool AudibleSince(long mark)
    {
        lock (_gate)
        {
            return _lastAudibleAt >= mark;
        }
    }

    public void OnFrame(ReadOnlySpan<short> pcm)
    {
        lock (_gate)
        {
            FrameSize = pcm.Length;
            if (FakeStream.Peak(pcm) > 1000)
            {
                _lastAudibleAt = _written;
            }

            foreach (var s in pcm)
            {
                _ring[_written++ % _ring.Length] = s;
            }
        }
    }

    public void OnRemoteAudioResumed()
    {
    }

    public void OnHangupRequested(string reason) => Hangups.Enqueue(reason);

    /// <summary>Waits until <paramref name="count"/> samples from position <paramref name="from"/> were heard, and returns them.</summary>
    public async Task<short[]> ReadAsync(long from, int count, TimeSpan timeout)
    {
        await FakeStream.WaitUntilAsync(() => Written >= from + count, $"{count} samples heard by the phone", (int)timeout.TotalMilliseconds);
        var result = new short[count];
        lock (_gate)
        {
            if (_written - from > _ring.Length)
            {
                throw new InvalidOperationException("the window was overwritten before it was read");
            }

            for (var i = 0; i < count; i++)
            {
                result[i] = _ring[(from + i) % _ring.Length];
            }
        }

        return result;
    }
}
