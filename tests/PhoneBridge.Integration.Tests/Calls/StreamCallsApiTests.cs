using System.Net;
using System.Text.Json.Nodes;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;
using PhoneBridge.Testing.TwilioRest;
using Xunit.Abstractions;

namespace PhoneBridge.Integration.Tests.Calls;

/// <summary>
/// Warm transfer and hold asked through the management API, heard through the fake Stream (coordinator, SFU
/// signalling, aiortc media): the real server, simulated Twilio phones and the Twilio Calls resource fake. Audio is
/// judged by correlation against the known signal each side speaks.
/// </summary>
public sealed class StreamCallsApiTests(ITestOutputHelper output)
{
    private const int Rate = CallerAudio.SampleRate;
    private static readonly short[] Signal = AudioQuality.ToneAndChirp(Rate, 2.0);

    [Fact]
    public async Task A_warm_transfer_dials_a_leg_into_the_callers_stream_call_and_the_caller_and_the_leg_hear_each_other()
    {
        var legVoice = AudioQuality.ToneAndFallingChirp(Rate, 2.0);
        await RunAsync("silent", async (fake, media, server, api, twilio, caller, callerId, agent) =>
        {
            var answer = await api.PostAsync($"calls/{callerId}/transfer", new { to = "+15550003333", mode = "warm" });
            Assert.True(answer.Status == HttpStatusCode.Accepted, answer.ToString());
            Assert.Equal(("warm", "ringing"), (answer.Body.GetProperty("mode").GetString(), answer.Body.GetProperty("state").GetString()));
            var legId = answer.Body.GetProperty("legCallId").GetString()!;

            // Twilio is asked to dial the human with TwiML that streams the leg to its own media URL.
            var create = Assert.Single(twilio.Requests, r => r.Path.EndsWith("/Calls.json", StringComparison.Ordinal));
            Assert.Equal(["+15550003333"], create.Form["To"]);
            Assert.Equal([server.Caller.To], create.Form["From"]);
            var stream = TwimlConnectStream.Parse(Assert.Single(create.Form["Twiml"]));
            Assert.Contains(legId, stream.Url.AbsolutePath, StringComparison.Ordinal);
            var leg = (await api.GetAsync($"calls/{legId}")).Body;
            Assert.Equal(("outbound", "ringing", callerId), (leg.GetProperty("direction").GetString(), CallsApi.State(leg), leg.GetProperty("linkedCallId").GetString()));
            var legSid = leg.GetProperty("providerCallId").GetString()!;

            // The human answers: Twilio opens the leg's media socket.
            twilio.Calls[legSid] = "in-progress";
            await using var pacer = new FramePacer(TimeProvider.System);
            var legAudio = CallerAudio.FromPcm(Enumerable.Repeat(legVoice, 30).SelectMany(s => s).ToArray(), Rate);
            await using var legPhone = await TwilioMediaCall.ConnectAsync(
                stream, legSid, twilio.AccountSid, BridgeServer.AuthToken, TimeProvider.System, new TwilioMediaCallOptions { Record = true }, CancellationToken.None);
            await legPhone.StartAsync(CancellationToken.None);
            legPhone.Play(legAudio, legAudio.FrameCount, pacer);

            await FakeStream.WaitUntilAsync(() => fake.Joins.Count(j => j.UserId != "agent") == 2, "the leg to join the Stream call", 60000);
            Assert.Equal(["phone-" + callerId, "phone-" + legId], fake.Joins.Where(j => j.UserId != "agent").Select(j => j.UserId));
            Assert.Single(fake.Joins.Where(j => j.UserId != "agent").Select(j => j.CallCid).Distinct());

            // Each hears the other (a window spoiled by the loaded machine is followed by another; a broken path fails all three).
            await FakeStream.WaitUntilAsync(() => Audible(caller.Recording().Samples) && Audible(legPhone.Recording().Samples), "each phone to hear the other", 60000);
            var (callerHears, legHears) = (default(AudioQuality.Measurement), default(AudioQuality.Measurement));
            for (var window = 0; window < 3 && !(AudioQuality.IsGood(callerHears) && AudioQuality.IsGood(legHears)); window++)
            {
                var (callerStart, legStart) = (caller.Recording().Samples.Length, legPhone.Recording().Samples.Length);
                await FakeStream.WaitUntilAsync(() => caller.Recording().Samples.Length >= callerStart + (Rate * 7 / 2)
                    && legPhone.Recording().Samples.Length >= legStart + (Rate * 7 / 2), "3.5 s heard by each phone", 60000);
                callerHears = AudioQuality.Measure(caller.Recording().Samples[(callerStart + (Rate / 2))..(callerStart + (Rate * 7 / 2))], legVoice, Rate);
                legHears = AudioQuality.Measure(legPhone.Recording().Samples[(legStart + (Rate / 2))..(legStart + (Rate * 7 / 2))], Signal, Rate);
                output.WriteLine($"leg → caller: {callerHears}; caller → leg: {legHears}");
            }

            Assert.True(AudioQuality.IsGood(callerHears), "leg → caller: " + callerHears);
            Assert.True(AudioQuality.IsGood(legHears), "caller → leg: " + legHears);

            // The Stream call was told how the transfer went, for the caller's call.
            await FakeStream.WaitUntilAsync(() => TransferStates(fake, callerId).Contains("answered"), "the transfer's answered event", 60000);
            Assert.Equal(["started", "ringing", "answered"], TransferStates(fake, callerId));
            Assert.All(Events(fake, "phone.transfer", callerId), e => Assert.Equal("warm", e["mode"]!.GetValue<string>()));
            await api.WaitForCallAsync(legId, c => CallsApi.State(c) == "answered", "the leg to be listed as answered");

            // The agent leaves it to the two; the human hangs up: the transfer is complete and the caller stays.
            await legPhone.HangUpAsync(CallsApi.Generous, CancellationToken.None);
            await api.WaitGoneAsync(legId);
            await FakeStream.WaitUntilAsync(() => TransferStates(fake, callerId).Contains("completed"), "the transfer's completed event", 60000);
            Assert.Equal("answered", CallsApi.State((await api.GetAsync($"calls/{callerId}")).Body));
        });
    }

    [Fact]
    public async Task Hold_through_the_api_keeps_the_caller_out_of_the_stream_call_and_plays_hold_audio_and_unhold_brings_both_back()
    {
        await RunAsync("echo", async (fake, media, server, api, twilio, caller, callerId, agent) =>
        {
            await FakeStream.WaitUntilAsync(() => Audible(caller.Recording().Samples), "the caller to hear the agent", 60000);
            var (first, _) = await MeasureAsync(media, caller, agent);
            output.WriteLine($"before hold, agent → caller: {first}");

            var held = await api.PostAsync($"calls/{callerId}/hold");
            Assert.True(held.Status == HttpStatusCode.Accepted, held.ToString());
            Assert.True((await api.GetAsync($"calls/{callerId}")).Body.GetProperty("held").GetBoolean());
            await FakeStream.WaitUntilAsync(() => HoldStates(fake, callerId).Count == 1, "the phone.hold event", 60000);

            // Past what was in flight (the echo agent holds up to a second), a window of hold.
            await api.WaitForCallAsync(callerId, c => CallsApi.Media(c, "framesHeld") >= 75, "1.5 s of held caller frames");
            var (_, agentFramesBefore) = await media.HeardAsync(agent, 0);
            var start = caller.Recording().Samples.Length;
            await FakeStream.WaitUntilAsync(() => caller.Recording().Samples.Length >= start + (Rate * 3), "3 s of hold", 60000);
            var (_, agentFramesAfter) = await media.HeardAsync(agent, 0);
            var heldWindow = caller.Recording().Samples[start..(start + (Rate * 3))];
            if (agentFramesAfter > agentFramesBefore)
            {
                var (heardWhileHeld, _) = await media.HeardAsync(agent, (agentFramesAfter - agentFramesBefore) * 0.02);
                Assert.True(FakeStream.Peak(heardWhileHeld) < 1000, $"the Stream call heard the held caller (peak {FakeStream.Peak(heardWhileHeld)})");
            }

            Assert.True(FakeStream.Peak(heldWindow) > 1000, "the held caller hears hold audio, not silence");
            Assert.False(AudioQuality.IsGood(AudioQuality.Measure(heldWindow, Signal, Rate)), "the held caller still hears the agent's echo of itself");

            var unheld = await api.PostAsync($"calls/{callerId}/unhold");
            Assert.True(unheld.Status == HttpStatusCode.Accepted, unheld.ToString());
            var (phone, atAgent) = (default(AudioQuality.Measurement), default(AudioQuality.Measurement));
            for (var window = 0; window < 3 && !(AudioQuality.IsGood(phone) && AudioQuality.IsGood(atAgent)); window++)
            {
                (phone, atAgent) = await MeasureAsync(media, caller, agent);
                output.WriteLine($"after unhold, caller → agent: {atAgent}; agent → caller: {phone}");
            }

            Assert.True(AudioQuality.IsGood(atAgent), "after unhold, caller → agent: " + atAgent);
            Assert.True(AudioQuality.IsGood(phone), "after unhold, agent → caller: " + phone);
            Assert.Equal([true, false], HoldStates(fake, callerId));
            Assert.False((await api.GetAsync($"calls/{callerId}")).Body.GetProperty("held").GetBoolean());
        });
    }

    [Fact]
    public async Task A_held_caller_does_not_hear_the_warm_transfer_leg_nor_the_leg_the_caller_until_unhold()
    {
        var legVoice = AudioQuality.ToneAndFallingChirp(Rate, 2.0);
        await RunAsync("silent", async (fake, media, server, api, twilio, caller, callerId, agent) =>
        {
            // The agent puts the caller on hold to brief the human in private.
            var held = await api.PostAsync($"calls/{callerId}/hold");
            Assert.True(held.Status == HttpStatusCode.Accepted, held.ToString());
            var answer = await api.PostAsync($"calls/{callerId}/transfer", new { to = "+15550003333", mode = "warm" });
            Assert.True(answer.Status == HttpStatusCode.Accepted, answer.ToString());
            var legId = answer.Body.GetProperty("legCallId").GetString()!;
            var create = Assert.Single(twilio.Requests, r => r.Path.EndsWith("/Calls.json", StringComparison.Ordinal));
            var legSid = (await api.GetAsync($"calls/{legId}")).Body.GetProperty("providerCallId").GetString()!;
            twilio.Calls[legSid] = "in-progress";
            await using var pacer = new FramePacer(TimeProvider.System);
            var legAudio = CallerAudio.FromPcm(Enumerable.Repeat(legVoice, 30).SelectMany(s => s).ToArray(), Rate);
            await using var legPhone = await TwilioMediaCall.ConnectAsync(
                TwimlConnectStream.Parse(Assert.Single(create.Form["Twiml"])), legSid, twilio.AccountSid, BridgeServer.AuthToken, TimeProvider.System,
                new TwilioMediaCallOptions { Record = true }, CancellationToken.None);
            await legPhone.StartAsync(CancellationToken.None);
            legPhone.Play(legAudio, legAudio.FrameCount, pacer);
            await FakeStream.WaitUntilAsync(() => fake.Joins.Count(j => j.UserId != "agent") == 2, "the leg to join the Stream call", 60000);

            // Four seconds of the leg in the call while the caller is held: each hears nothing of the other.
            var (callerStart, legStart) = (caller.Recording().Samples.Length, legPhone.Recording().Samples.Length);
            await FakeStream.WaitUntilAsync(() => caller.Recording().Samples.Length >= callerStart + (Rate * 4)
                && legPhone.Recording().Samples.Length >= legStart + (Rate * 4), "4 s heard by each phone", 60000);
            var callerWhileHeld = caller.Recording().Samples[callerStart..(callerStart + (Rate * 4))];
            var legWhileHeld = legPhone.Recording().Samples[legStart..(legStart + (Rate * 4))];
            Assert.True(FakeStream.Peak(legWhileHeld) < 1000, $"the leg heard the held caller (peak {FakeStream.Peak(legWhileHeld)})");
            Assert.True(FakeStream.Peak(callerWhileHeld) > 1000, "the held caller hears hold audio");
            var overheard = AudioQuality.Measure(callerWhileHeld[(Rate / 2)..], legVoice, Rate);
            Assert.False(AudioQuality.IsGood(overheard), "the held caller heard the leg: " + overheard);

            var unheld = await api.PostAsync($"calls/{callerId}/unhold");
            Assert.True(unheld.Status == HttpStatusCode.Accepted, unheld.ToString());
            var (callerHears, legHears) = (default(AudioQuality.Measurement), default(AudioQuality.Measurement));
            for (var window = 0; window < 3 && !(AudioQuality.IsGood(callerHears) && AudioQuality.IsGood(legHears)); window++)
            {
                (callerStart, legStart) = (caller.Recording().Samples.Length, legPhone.Recording().Samples.Length);
                await FakeStream.WaitUntilAsync(() => caller.Recording().Samples.Length >= callerStart + (Rate * 7 / 2)
                    && legPhone.Recording().Samples.Length >= legStart + (Rate * 7 / 2), "3.5 s heard by each phone", 60000);
                callerHears = AudioQuality.Measure(caller.Recording().Samples[(callerStart + (Rate / 2))..(callerStart + (Rate * 7 / 2))], legVoice, Rate);
                legHears = AudioQuality.Measure(legPhone.Recording().Samples[(legStart + (Rate / 2))..(legStart + (Rate * 7 / 2))], Signal, Rate);
                output.WriteLine($"after unhold, leg → caller: {callerHears}; caller → leg: {legHears}");
            }

            Assert.True(AudioQuality.IsGood(callerHears), "after unhold, leg → caller: " + callerHears);
            Assert.True(AudioQuality.IsGood(legHears), "after unhold, caller → leg: " + legHears);
        });
    }

    [Fact]
    public async Task Hangup_through_the_api_ends_the_call_at_twilio_and_the_bridge_leaves_the_stream_call()
    {
        await RunAsync("echo", async (fake, media, server, api, twilio, caller, callerId, agent) =>
        {
            await FakeStream.WaitUntilAsync(() => Audible(caller.Recording().Samples), "the caller to hear the agent", 60000);
            var phoneSessions = fake.Sessions.Where(s => s.UserId == "phone-" + callerId).Select(s => s.SessionId).ToHashSet();
            Assert.NotEmpty(phoneSessions);
            var hangup = await api.PostAsync($"calls/{callerId}/hangup");
            Assert.True(hangup.Status == HttpStatusCode.Accepted, hangup.ToString());

            // Ending a call is safe to repeat, so a slow answer on a loaded machine may have been retried.
            var ended = twilio.Requests.Where(r => r.Path.EndsWith($"/Calls/{caller.CallSid}.json", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(ended);
            Assert.All(ended, r => Assert.Equal(["completed"], r.Form["Status"]));

            await api.WaitGoneAsync(callerId);

            // The phone's SFU session (any of them, should the edge have rejoined on a loaded machine) leaves the call.
            await FakeStream.WaitUntilAsync(
                () => fake.WsFrames.Any(f => f.Request.LeaveCallRequest?.SessionId is { } left && phoneSessions.Contains(left)), "LeaveCallRequest", 60000);
            await FakeStream.WaitUntilAsync(() => Events(fake, "phone.call", callerId).Any(e => e["state"]!.GetValue<string>() == "ended"), "the ended event", 60000);
            var endedEvent = Events(fake, "phone.call", callerId).Single(e => e["state"]!.GetValue<string>() == "ended");
            Assert.Equal("hung up through the API", endedEvent["reason"]?.GetValue<string>());
            await caller.Completion.WaitAsync(CallsApi.Generous);
            Assert.True(caller.Report().ClosedByServer, "the server closed the phone's media socket");
        });
    }

    private static IEnumerable<JsonNode> Events(FakeStream fake, string type, string callId) =>
        fake.CustomEvents
            .Select(e => e["custom"]!)
            .Where(c => c["type"]!.GetValue<string>() == type && c["callId"]!.GetValue<string>() == callId);

    private static List<string> TransferStates(FakeStream fake, string callId) =>
        [.. Events(fake, "phone.transfer", callId).Select(c => c["state"]!.GetValue<string>())];

    private static List<bool> HoldStates(FakeStream fake, string callId) =>
        [.. Events(fake, "phone.hold", callId).Select(c => c["held"]!.GetValue<bool>())];

    private static bool Audible(short[] samples) => samples.Length > 0 && FakeStream.Peak(samples.AsSpan(Math.Max(0, samples.Length - 1600))) > 1000;

    private static async Task<(AudioQuality.Measurement Phone, AudioQuality.Measurement Agent)> MeasureAsync(
        AiortcSfuMedia media, TwilioMediaCall call, FakeStream.FakeSession agent)
    {
        var start = call.Recording().Samples.Length;
        var (_, agentFramesAtStart) = await media.HeardAsync(agent, 0);
        await FakeStream.WaitUntilAsync(() => call.Recording().Samples.Length >= start + (Rate * 7 / 2), "3.5 s of the agent's answer", 60000);
        var heard = call.Recording().Samples[(start + (Rate / 2))..(start + (Rate * 7 / 2))];
        await FakeStream.WaitUntilAsync(() => media.HeardAsync(agent, 0).GetAwaiter().GetResult().Frames >= agentFramesAtStart + 175, "3.5 s heard by the agent", 60000);
        var (atAgent, _) = await media.HeardAsync(agent, 3.0);
        return (AudioQuality.Measure(heard, Signal, Rate), AudioQuality.Measure(AudioQuality.Decimate(atAgent, 6), Signal, Rate));
    }

    /// <summary>A Twilio caller speaking <see cref="Signal"/> in a Stream call with an agent in <paramref name="agentMode"/>.</summary>
    private async Task RunAsync(
        string agentMode,
        Func<FakeStream, AiortcSfuMedia, BridgeServer, CallsApi, FakeTwilioApi, TwilioMediaCall, string, FakeStream.FakeSession, Task> test)
    {
        var accountSid = new TwilioCallerOptions { Server = new Uri("http://127.0.0.1/") }.AccountSid;
        await using var twilio = await FakeTwilioApi.StartAsync(accountSid, BridgeServer.AuthToken);
        await using var fake = await FakeStream.StartAsync();
        var media = await fake.UseAiortcMediaAsync();
        try
        {
            await using var server = await BridgeServer.StartAsync(settings: TwilioCallsApiTests.Settings(twilio, new Dictionary<string, string?>
            {
                ["Stream:ApiKey"] = TestOptions.ApiKey,
                ["Stream:ApiSecret"] = TestOptions.ApiSecret,
                ["Stream:BaseUrl"] = fake.BaseUrl.ToString(),
                ["Stream:HealthCheckInterval"] = "00:00:01",
                ["PhoneBridge:Rtc:HostAddresses:0"] = "127.0.0.1",
            }));
            using var api = new CallsApi(server);
            using var http = server.NewHttpClient();
            await using var pacer = new FramePacer(TimeProvider.System);
            var audio = CallerAudio.FromPcm(Enumerable.Repeat(Signal, 30).SelectMany(s => s).ToArray(), Rate);

            await using var caller = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, new TwilioMediaCallOptions { Record = true }, CancellationToken.None);
            twilio.Calls[caller.CallSid] = "in-progress";
            await FakeStream.WaitUntilAsync(() => !fake.Joins.IsEmpty, "the caller to join the Stream call", 60000);
            var agent = await fake.AddAgentAsync(fake.Joins.First().CallCid, "agent", agentMode);
            caller.Play(audio, audio.FrameCount, pacer);
            var listed = await api.WaitForCallAsync(
                c => c.GetProperty("providerCallId").GetString() == caller.CallSid && CallsApi.State(c) == "answered", "the caller to be answered");

            await test(fake, media, server, api, twilio, caller, CallsApi.CallId(listed), agent);
        }
        catch (Exception)
        {
            output.WriteLine("sfu_media.py stderr:\n" + media.Stderr);
            throw;
        }
    }
}
