using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;
using Xunit.Abstractions;

namespace PhoneBridge.Integration.Tests.Bridge;

/// <summary>
/// Whole phone calls: the simulator dials the real server as Twilio does, the server bridges into the fake Stream
/// (coordinator + SFU signalling + Twirp) whose media side is aiortc, and an agent there answers by echoing what it
/// hears. Audio is judged over seconds against the known signal the caller speaks.
/// </summary>
public sealed class StreamBridgeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private static readonly short[] Signal = AudioQuality.ToneAndChirp(CallerAudio.SampleRate, 2.0);

    [Fact]
    public async Task A_phone_call_reaches_the_agent_and_its_answer_comes_back_with_dtmf_and_caller_hangup()
    {
        await RunAsync(async (fake, media, server, call, agent) =>
        {
            // A window spoiled by the loaded machine is followed by another; a broken path fails all three.
            await FakeStream.WaitUntilAsync(() => Audible(call.Recording().Samples), "the caller to hear the agent", 30000);
            var (phone, atAgent) = (default(AudioQuality.Measurement), default(AudioQuality.Measurement));
            for (var window = 0; window < 3 && !(AudioQuality.IsGood(phone) && AudioQuality.IsGood(atAgent)); window++)
            {
                (phone, atAgent) = await MeasureAsync(media, call, agent);
                output.WriteLine($"caller → agent: {atAgent}; agent → caller: {phone}");
            }

            Assert.True(AudioQuality.IsGood(atAgent), "caller → agent: " + atAgent);
            Assert.True(AudioQuality.IsGood(phone), "agent → caller: " + phone);

            await call.SendDtmfAsync('7', CancellationToken.None);
            await FakeStream.WaitUntilAsync(() => fake.CustomEvents.Any(e => e["custom"]?["digit"]?.GetValue<string>() == "7"), "the DTMF custom event");
            // The call's phone.call events share the channel; of the key presses there is exactly this one.
            Assert.Equal("7", fake.CustomEvents.Single(e => e["custom"]!["type"]!.GetValue<string>() == "phone.dtmf")["custom"]!["digit"]!.GetValue<string>());

            var phoneSession = fake.Sessions.Single(s => s.UserId != "agent");
            await call.HangUpAsync(Generous, CancellationToken.None);

            await FakeStream.WaitUntilAsync(() => fake.WsFrames.Any(f => f.Request.LeaveCallRequest?.SessionId == phoneSession.SessionId), "LeaveCallRequest");
            await FakeStream.WaitUntilAsync(() => !media.PublisherFramesAsync().GetAwaiter().GetResult().ContainsKey(phoneSession.MediaKey), "the SFU to close the phone's media");
            Assert.True(await Eventually.TrueAsync(() => server.Registry.Count == 0), $"{server.Registry.Count} calls still registered");
            Assert.Null(call.Report().Failure);
        });
    }

    [Fact]
    public async Task The_stream_side_ending_the_call_hangs_up_the_phone()
    {
        await RunAsync(async (fake, media, server, call, agent) =>
        {
            await FakeStream.WaitUntilAsync(() => Audible(call.Recording().Samples), "the caller to hear the agent", 30000);

            await fake.EndCallAsync(agent.CallCid);

            await call.Completion.WaitAsync(Generous);
            Assert.True(call.Report().ClosedByServer, "the server closed the phone's media socket");
            Assert.True(await Eventually.TrueAsync(() => server.Registry.Count == 0), $"{server.Registry.Count} calls still registered");
        });
    }

    [Fact]
    public async Task The_stream_call_is_joined_from_the_webhook_before_the_media_socket_opens()
    {
        long socketOpenedAt = 0;
        await RunAsync(
            async (fake, media, server, call, agent) =>
            {
                await FakeStream.WaitUntilAsync(() => Audible(call.Recording().Samples), "the caller to hear the agent", 30000);
                var (phone, atAgent) = (default(AudioQuality.Measurement), default(AudioQuality.Measurement));
                for (var window = 0; window < 3 && !(AudioQuality.IsGood(phone) && AudioQuality.IsGood(atAgent)); window++)
                {
                    (phone, atAgent) = await MeasureAsync(media, call, agent);
                    output.WriteLine($"caller → agent: {atAgent}; agent → caller: {phone}");
                }

                Assert.True(AudioQuality.IsGood(atAgent), "caller → agent: " + atAgent);
                Assert.True(AudioQuality.IsGood(phone), "agent → caller: " + phone);

                // One join, made before the socket, is the one that carries the call.
                var join = Assert.Single(fake.Joins, j => j.UserId != "agent");
                Assert.True(join.ReceivedAt < socketOpenedAt, "the coordinator's /join came before the media socket opened");
                Assert.Single(fake.Sessions, s => s.UserId == join.UserId);

                await call.HangUpAsync(Generous, CancellationToken.None);
                Assert.True(await Eventually.TrueAsync(() => server.Registry.Count == 0), $"{server.Registry.Count} calls still registered");
                Assert.Null(call.Report().Failure);
            },
            async (http, server, fake, options) =>
            {
                // The provider answers the webhook first and opens the media socket later; here, only once the phone's
                // participant is in the Stream call, which therefore cannot have waited for the socket.
                var callSid = TwilioSids.NewCallSid();
                var stream = await new TwilioWebhookClient(http, server.Caller).RingAsync(callSid, CancellationToken.None);
                await FakeStream.WaitUntilAsync(() => fake.Joins.Any(j => j.UserId != "agent"), "the bridge to join at the webhook", 30000);
                await FakeStream.WaitUntilAsync(() => fake.Sessions.Any(s => s.UserId != "agent"), "the phone's SFU session", 30000);
                socketOpenedAt = Stopwatch.GetTimestamp();
                var call = await TwilioMediaCall.ConnectAsync(
                    stream, callSid, server.Caller.AccountSid, server.Caller.AuthToken, TimeProvider.System, options, CancellationToken.None);
                await call.StartAsync(CancellationToken.None);
                return call;
            });
    }

    [Fact]
    public async Task A_warm_transfer_leg_registered_into_the_callers_stream_call_and_the_caller_hear_each_other()
    {
        const int Rate = CallerAudio.SampleRate;
        const string ApiKey = "integration-api-key";
        var legVoice = AudioQuality.ToneAndFallingChirp(Rate, 2.0);
        await using var fake = await FakeStream.StartAsync();
        var media = await fake.UseAiortcMediaAsync();
        try
        {
            await using var server = await BridgeServer.StartAsync(settings: StreamSettings(fake, ("PhoneBridge:ApiKey", ApiKey)));
            using var http = server.NewHttpClient();
            await using var pacer = new FramePacer(TimeProvider.System);
            var callerAudio = CallerAudio.FromPcm(Enumerable.Repeat(Signal, 30).SelectMany(s => s).ToArray(), Rate);
            var legAudio = CallerAudio.FromPcm(Enumerable.Repeat(legVoice, 30).SelectMany(s => s).ToArray(), Rate);

            // The caller dials in; the agent of its Stream call is there, quiet while the human is brought in.
            await using var caller = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, new TwilioMediaCallOptions { Record = true }, CancellationToken.None);
            await FakeStream.WaitUntilAsync(() => !fake.Joins.IsEmpty, "the caller to join the Stream call", 30000);
            var first = server.Services.GetRequiredService<CallDirectory>().Calls.Single();
            var room = first.EdgeCall!;
            await fake.AddAgentAsync(room.Type + ":" + room.Id, "agent", "silent");
            caller.Play(callerAudio, callerAudio.FrameCount, pacer);

            // The warm-transfer leg as the provider's dial registers it: into the caller's Stream call, no agent launch.
            var legSid = TwilioSids.NewCallSid();
            var leg = server.Registry.Register(new CallRegistrationRequest("twilio", legSid, "+15550001111", "+15552223333",
                Direction: CallDirection.Outbound, EdgeCall: room, LinkedCallId: first.CallId, JoinsExistingCall: true));
            var mediaUrl = new Uri($"ws://{server.BaseUrl.Authority}/twilio/media/{leg.Info.CallId}/{leg.Token}");
            await using var legPhone = await TwilioMediaCall.ConnectAsync(new TwimlConnectStream(mediaUrl, new Dictionary<string, string>(), null),
                legSid, server.Caller.AccountSid, BridgeServer.AuthToken, TimeProvider.System, new TwilioMediaCallOptions { Record = true }, CancellationToken.None);
            await legPhone.StartAsync(CancellationToken.None);
            legPhone.Play(legAudio, legAudio.FrameCount, pacer);

            await FakeStream.WaitUntilAsync(() => fake.Joins.Count == 2, "the leg to join the Stream call", 30000);
            Assert.Equal([("phone-" + first.CallId, room.Type + ":" + room.Id), ("phone-" + leg.Info.CallId, room.Type + ":" + room.Id)],
                fake.Joins.Select(j => (j.UserId, j.CallCid)));

            // Each hears the other (a window spoiled by the loaded machine is followed by another; a broken path fails all three).
            await FakeStream.WaitUntilAsync(() => Audible(caller.Recording().Samples) && Audible(legPhone.Recording().Samples), "each phone to hear the other", 30000);
            var (callerHears, legHears) = (default(AudioQuality.Measurement), default(AudioQuality.Measurement));
            for (var window = 0; window < 3 && !(AudioQuality.IsGood(callerHears) && AudioQuality.IsGood(legHears)); window++)
            {
                var (callerStart, legStart) = (caller.Recording().Samples.Length, legPhone.Recording().Samples.Length);
                await FakeStream.WaitUntilAsync(() => caller.Recording().Samples.Length >= callerStart + (Rate * 7 / 2)
                    && legPhone.Recording().Samples.Length >= legStart + (Rate * 7 / 2), "3.5 s heard by each phone", 30000);
                callerHears = AudioQuality.Measure(caller.Recording().Samples[(callerStart + (Rate / 2))..(callerStart + (Rate * 7 / 2))], legVoice, Rate);
                legHears = AudioQuality.Measure(legPhone.Recording().Samples[(legStart + (Rate / 2))..(legStart + (Rate * 7 / 2))], Signal, Rate);
                output.WriteLine($"leg → caller: {callerHears}; caller → leg: {legHears}");
            }

            Assert.True(AudioQuality.IsGood(callerHears), "leg → caller: " + callerHears);
            Assert.True(AudioQuality.IsGood(legHears), "caller → leg: " + legHears);

            // Both calls told the Stream call they ring and are answered, each as its own phone user.
            await FakeStream.WaitUntilAsync(() => PhoneCallStates(fake, leg.Info.CallId).Contains("answered"), "the leg's answered event");
            Assert.Equal(["ringing", "answered"], PhoneCallStates(fake, first.CallId));
            Assert.Equal(["ringing", "answered"], PhoneCallStates(fake, leg.Info.CallId));
            Assert.All(fake.CustomEvents.Where(e => e["custom"]!["type"]!.GetValue<string>() == "phone.call"),
                e => Assert.Equal("phone-" + e["custom"]!["callId"]!.GetValue<string>(), e["user_id"]!.GetValue<string>()));

            // The agent hangs up the Stream call: both phones are hung up.
            using var hangup = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, $"stream/calls/{room.Type}/{room.Id}/hangup"));
            hangup.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            using var answer = await http.SendAsync(hangup);
            Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
            await caller.Completion.WaitAsync(Generous);
            await legPhone.Completion.WaitAsync(Generous);
            Assert.True(caller.Report().ClosedByServer && legPhone.Report().ClosedByServer, "the server closed both media sockets");
            Assert.True(await Eventually.TrueAsync(() => server.Registry.Count == 0), $"{server.Registry.Count} calls still registered");
            await FakeStream.WaitUntilAsync(() => PhoneCallStates(fake, first.CallId).Contains("ended") && PhoneCallStates(fake, leg.Info.CallId).Contains("ended"),
                "both ended events");
        }
        catch (Exception)
        {
            output.WriteLine("sfu_media.py stderr:\n" + media.Stderr);
            throw;
        }
    }

    [Fact]
    public async Task While_held_the_stream_call_gets_no_caller_audio_and_the_caller_hears_hold_audio_then_both_flow_again()
    {
        await RunAsync(async (fake, media, server, call, agent) =>
        {
            const int Rate = CallerAudio.SampleRate;
            var (first, _) = await MeasureAsync(media, call, agent);
            Assert.True(AudioQuality.IsGood(first), "before hold, agent → caller: " + first);
            var live = server.Services.GetRequiredService<CallDirectory>().Calls.Single();
            Assert.NotNull(live.Media);

            Assert.True(live.SetHeld(true));

            // Past what was in flight (the echo agent holds up to a second), a window of hold.
            await Task.Delay(1500);
            var (_, agentFramesBefore) = await media.HeardAsync(agent, 0);
            var start = call.Recording().Samples.Length;
            await FakeStream.WaitUntilAsync(() => call.Recording().Samples.Length >= start + (Rate * 3), "3 s of hold", 30000);
            var (_, agentFramesAfter) = await media.HeardAsync(agent, 0);
            var heldWindow = call.Recording().Samples[start..(start + (Rate * 3))];
            if (agentFramesAfter > agentFramesBefore)
            {
                var (heardWhileHeld, _) = await media.HeardAsync(agent, (agentFramesAfter - agentFramesBefore) * 0.02);
                Assert.True(FakeStream.Peak(heardWhileHeld) < 1000, $"the Stream call heard the held caller (peak {FakeStream.Peak(heardWhileHeld)})");
            }

            Assert.True(FakeStream.Peak(heldWindow) > 1000, "the held caller hears hold audio, not silence");
            Assert.False(AudioQuality.IsGood(AudioQuality.Measure(heldWindow, Signal, Rate)), "the held caller still hears the agent's echo of itself");

            Assert.True(live.SetHeld(false));
            var (phone, atAgent) = (default(AudioQuality.Measurement), default(AudioQuality.Measurement));
            for (var window = 0; window < 3 && !(AudioQuality.IsGood(phone) && AudioQuality.IsGood(atAgent)); window++)
            {
                (phone, atAgent) = await MeasureAsync(media, call, agent);
                output.WriteLine($"after unhold, caller → agent: {atAgent}; agent → caller: {phone}");
            }

            Assert.True(AudioQuality.IsGood(atAgent), "after unhold, caller → agent: " + atAgent);
            Assert.True(AudioQuality.IsGood(phone), "after unhold, agent → caller: " + phone);
        });
    }

    private static List<string> PhoneCallStates(FakeStream fake, string callId) =>
        fake.CustomEvents
            .Select(e => e["custom"]!)
            .Where(c => c["type"]!.GetValue<string>() == "phone.call" && c["callId"]!.GetValue<string>() == callId)
            .Select(c => c["state"]!.GetValue<string>())
            .ToList();

    private static Dictionary<string, string?> StreamSettings(FakeStream fake, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Stream:ApiKey"] = TestOptions.ApiKey,
            ["Stream:ApiSecret"] = TestOptions.ApiSecret,
            ["Stream:BaseUrl"] = fake.BaseUrl.ToString(),
            ["Stream:HealthCheckInterval"] = "00:00:01",
            ["PhoneBridge:Rtc:HostAddresses:0"] = "127.0.0.1",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static async Task<(AudioQuality.Measurement Phone, AudioQuality.Measurement Agent)> MeasureAsync(
        AiortcSfuMedia media, TwilioMediaCall call, FakeStream.FakeSession agent)
    {
        const int Rate = CallerAudio.SampleRate;
        var start = call.Recording().Samples.Length;
        var (_, agentFramesAtStart) = await media.HeardAsync(agent, 0);
        await FakeStream.WaitUntilAsync(() => call.Recording().Samples.Length >= start + (Rate * 7 / 2), "3.5 s of the agent's answer", 30000);
        var heard = call.Recording().Samples[(start + (Rate / 2))..(start + (Rate * 7 / 2))];
        await FakeStream.WaitUntilAsync(() => media.HeardAsync(agent, 0).GetAwaiter().GetResult().Frames >= agentFramesAtStart + 175, "3.5 s heard by the agent", 30000);
        var (atAgent, _) = await media.HeardAsync(agent, 3.0);
        return (AudioQuality.Measure(heard, Signal, Rate), AudioQuality.Measure(AudioQuality.Decimate(atAgent, 6), Signal, Rate));
    }

    private static bool Audible(short[] samples) => samples.Length > 0 && FakeStream.Peak(samples.AsSpan(Math.Max(0, samples.Length - 1600))) > 1000;

    private async Task RunAsync(
        Func<FakeStream, AiortcSfuMedia, BridgeServer, TwilioMediaCall, FakeStream.FakeSession, Task> test,
        Func<HttpClient, BridgeServer, FakeStream, TwilioMediaCallOptions, Task<TwilioMediaCall>>? dial = null)
    {
        await using var fake = await FakeStream.StartAsync();
        var media = await fake.UseAiortcMediaAsync();
        try
        {
            await using var server = await BridgeServer.StartAsync(settings: StreamSettings(fake));
            using var http = server.NewHttpClient();
            await using var pacer = new FramePacer(TimeProvider.System);

            // Long enough for any test; the caller hangs up (or is hung up) well before it ends.
            var pcm = Enumerable.Repeat(Signal, 30).SelectMany(s => s).ToArray();
            var audio = CallerAudio.FromPcm(pcm, CallerAudio.SampleRate);
            var callOptions = new TwilioMediaCallOptions { Record = true };
            await using var call = dial is null
                ? await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, callOptions, CancellationToken.None)
                : await dial(http, server, fake, callOptions);
            await FakeStream.WaitUntilAsync(() => !fake.Joins.IsEmpty, "the bridge to join the Stream call", 30000);
            var agent = await fake.AddAgentAsync(fake.Joins.First().CallCid, "agent", "echo");
            call.Play(audio, audio.FrameCount, pacer);

            await test(fake, media, server, call, agent);
        }
        catch (Exception)
        {
            output.WriteLine("sfu_media.py stderr:\n" + media.Stderr);
            throw;
        }
    }
}
