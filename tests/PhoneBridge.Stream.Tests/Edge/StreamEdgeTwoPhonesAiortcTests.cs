using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneBridge.Audio;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;
using PhoneBridge.Rtc;
using PhoneBridge.Stream.Edge;
using PhoneBridge.Stream.Tests.Fakes;
using Xunit.Abstractions;

namespace PhoneBridge.Stream.Tests.Edge;

/// <summary>
/// A warm transfer as the Stream side sees it: the caller is in an agent's Stream call, a second phone leg joins the
/// same call through the same edge, and the SFU (aiortc) forwards each phone to the other. Each phone speaks its own
/// signal; each must hear the other's, judged over seconds.
/// </summary>
[Collection(AiortcMediaFixture.Collection)]
public sealed class StreamEdgeTwoPhonesAiortcTests(AiortcMediaFixture fixture, ITestOutputHelper output) : IClassFixture<AiortcMediaFixture>
{
    private const int Rate = 8000;
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private static readonly short[] CallerVoice = AudioQuality.ToneAndChirp(Rate, 2.0);
    private static readonly short[] LegVoice = AudioQuality.ToneAndFallingChirp(Rate, 2.0);

    [Fact]
    public async Task A_leg_joining_the_callers_stream_call_and_the_caller_hear_each_other_and_both_stay_after_it_leaves()
    {
        var stderrBefore = fixture.Media.Stderr.Length;
        var rtc = new PeerConnectionFactory(Options.Create(new RtcOptions { HostAddresses = ["127.0.0.1"] }), NullLoggerFactory.Instance, TimeProvider.System);
        await using var fake = await FakeStream.StartAsync();
        fake.MediaSide = fixture.Media;
        fake.OwnsMediaSide = false;
        var room = new EdgeCallAddress("default", "room-" + Guid.NewGuid().ToString("N")[..8]);
        var cid = room.Type + ":" + room.Id;

        // The agent is in the call but quiet (it briefs, then listens), so each phone hears only the other.
        await fake.AddAgentAsync(cid, "agent", "silent");
        var options = SessionFactory.Options(fake);
        var edge = new StreamEdge(SessionFactory.Coordinator(options), new Clients(), new RtcStreamMediaFactory(rtc, NullLoggerFactory.Instance),
            TestOptions.Monitor(options), TimeProvider.System, NullLoggerFactory.Instance);
        try
        {
            await using var caller = await Phone.JoinAsync(edge, "c1", room, CallerVoice);
            await FakeStream.WaitUntilAsync(() => fake.Sessions.Any(s => s.UserId == "phone-c1" && s.Answers.Count >= 1), "the caller to subscribe to the agent", 30000);
            await using var leg = await Phone.JoinAsync(edge, "c2", room, LegVoice);

            var callerSession = fake.Sessions.Single(s => s.UserId == "phone-c1");
            var legSession = fake.Sessions.Single(s => s.UserId == "phone-c2");
            Assert.NotEqual(callerSession.SessionId, legSession.SessionId);
            Assert.Equal(2, edge.ActiveSessions);

            var (callerHears, legHears) = await MeasureAsync(caller, leg);
            Assert.True(AudioQuality.IsGood(callerHears), "leg → caller: " + callerHears);
            Assert.True(AudioQuality.IsGood(legHears), "caller → leg: " + legHears);

            // The caller's subscriber was renegotiated to add the leg, not rebuilt.
            Assert.True(callerSession.Answers.Count >= 2, $"{callerSession.Answers.Count} subscriber answers from the caller");
            Assert.Contains($"a=msid:{legSession.TrackLookupPrefix}:TRACK_TYPE_AUDIO:", callerSession.Offers[^1], StringComparison.Ordinal);

            // Not hearing itself: what the caller hears does not carry its own voice.
            var own = AudioQuality.Measure(await caller.Ear.ReadAsync(caller.Ear.Written, Rate * 2, Generous), CallerVoice, Rate);
            output.WriteLine("caller's own voice in what it hears: " + own);
            Assert.False(AudioQuality.IsGood(own), "the caller hears itself: " + own);

            // The leg hangs up; the SFU takes its track away from the caller, whose call goes on.
            var answers = callerSession.Answers.Count;
            await leg.Session.LeaveAsync(CancellationToken.None);
            await FakeStream.WaitUntilAsync(() => callerSession.Answers.Count > answers, "the caller to answer the offer without the leg", 30000);
            Assert.Equal(1, edge.ActiveSessions);
            await Task.Delay(500);
            Assert.False(caller.Session.Completion.IsCompleted, "the caller's Stream session ended with the leg's");
        }
        catch (Exception)
        {
            output.WriteLine("sfu_media.py stderr:\n" + fixture.Media.Stderr[stderrBefore..]);
            throw;
        }
    }

    private async Task<(AudioQuality.Measurement CallerHears, AudioQuality.Measurement LegHears)> MeasureAsync(Phone caller, Phone leg)
    {
        await FakeStream.WaitUntilAsync(() => caller.Ear.AudibleSince(0) && leg.Ear.AudibleSince(0), "each phone to hear the other", 30000);
        var result = default((AudioQuality.Measurement, AudioQuality.Measurement));

        // A window spoiled by the loaded machine is followed by another; a broken path fails all three.
        for (var window = 0; window < 3; window++)
        {
            var (callerFrom, legFrom) = (caller.Ear.Written + (Rate / 2), leg.Ear.Written + (Rate / 2));
            var callerHeard = await caller.Ear.ReadAsync(callerFrom, Rate * 3, Generous);
            var legHeard = await leg.Ear.ReadAsync(legFrom, Rate * 3, Generous);
            result = (AudioQuality.Measure(callerHeard, LegVoice, Rate), AudioQuality.Measure(legHeard, CallerVoice, Rate));
            output.WriteLine($"leg → caller: {result.Item1}; caller → leg: {result.Item2}");
            if (AudioQuality.IsGood(result.Item1) && AudioQuality.IsGood(result.Item2))
            {
                break;
            }
        }

        return result;
    }

    /// <summary>One phone leg through the edge: speaks its voice in 20 ms frames, keeps what it hears.</summary>
    private sealed class Phone : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _mouth = Task.CompletedTask;

        private Phone(short[] voice) => Voice = voice;

        public PhoneEar Ear { get; } = new(Rate * 12);

        public IEdgeSession Session { get; private set; } = null!;

        private short[] Voice { get; }

        public static async Task<Phone> JoinAsync(StreamEdge edge, string callId, EdgeCallAddress room, short[] voice)
        {
            var phone = new Phone(voice);
            using var timeout = new CancellationTokenSource(Generous);
            phone.Session = await edge.JoinAsync(new EdgeJoinRequest(callId, "phone-" + callId, "Phone", Rate, EdgeCall: room), phone.Ear, timeout.Token);
            phone._mouth = Task.Run(phone.SpeakAsync);
            return phone;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _mouth;
            await Session.DisposeAsync();
            _stop.Dispose();
        }

        private Task SpeakAsync() => LoopedSpeaker.SpeakAsync(Session, Voice, Rate, null, _stop.Token);
    }

    private sealed class Clients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }
}
