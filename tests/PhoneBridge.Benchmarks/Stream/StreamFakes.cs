using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneBridge.Rtc;
using PhoneBridge.Testing.Stream;

namespace PhoneBridge.Benchmarks.Stream;

/// <summary>
/// The local Stream the server joins: the fake coordinator and SFU with real media on our own WebRTC stack, in
/// echo mode (the agent forwarded to each phone repeats the phone's audio), and a fake agent server that puts that
/// agent into each call when the server launches it, before the phone joins.
/// </summary>
internal sealed class StreamFakes : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, SfuTrace> _traces = new(StringComparer.Ordinal);

    private StreamFakes(FakeStream stream, FakeAgentServer agents)
    {
        Stream = stream;
        Agents = agents;
    }

    public FakeStream Stream { get; }

    public FakeAgentServer Agents { get; }

    /// <summary>Settings that point the server's Stream edge and agent launch at these fakes, media on loopback.</summary>
    public IReadOnlyDictionary<string, string> ServerSettings => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Stream__ApiKey"] = TestOptions.ApiKey,
        ["Stream__ApiSecret"] = TestOptions.ApiSecret,
        ["Stream__BaseUrl"] = Stream.BaseUrl.ToString(),
        ["Agent__ServerUrl"] = Agents.BaseUrl.ToString(),
        ["PhoneBridge__Rtc__HostAddresses__0"] = "127.0.0.1",
    };

    public static async Task<StreamFakes> StartAsync(int echoSampleRate)
    {
        var rtc = new PeerConnectionFactory(Options.Create(new RtcOptions { HostAddresses = ["127.0.0.1"] }), NullLoggerFactory.Instance, TimeProvider.System);
        var stream = await FakeStream.StartAsync("sfu-local");
        stream.Media = rtc;
        stream.TrickleBeforeOffer = false;
        stream.EchoClientAudio = true;
        stream.EchoSampleRate = echoSampleRate;
        var agents = await FakeAgentServer.StartAsync();
        agents.MaxSessions = int.MaxValue;
        var fakes = new StreamFakes(stream, agents);
        stream.ClientFrameReceived += (session, pcm) => fakes.Trace(session.CallCid).OnFrame(pcm);
        agents.SessionStarting = (callId, callType) => stream.AddRemoteParticipantAsync(callType + ":" + callId, "agent", publishAudio: true);
        return fakes;
    }

    /// <summary>The trace of the phone in Stream call <paramref name="callCid"/> (the agent publishes no media of its own).</summary>
    public SfuTrace Trace(string callCid) => _traces.GetOrAdd(callCid, _ => new SfuTrace());

    public async ValueTask DisposeAsync()
    {
        await Agents.DisposeAsync();
        await Stream.DisposeAsync();
    }
}
