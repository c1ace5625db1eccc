using System.Net;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;
using PhoneBridge.Testing.TwilioRest;

namespace PhoneBridge.Integration.Tests.Calls;

/// <summary>
/// Bad requests and provider refusals on a live Twilio call (local echo edge): each gets its clear answer, and the
/// call goes on as before, still answered and still echoing.
/// </summary>
public sealed class CallsApiRefusalTests
{
    private static readonly short[] Signal = AudioQuality.ToneAndChirp(CallerAudio.SampleRate, 2.0);

    [Fact]
    public async Task Unknown_call_bad_digits_and_malformed_destinations_are_refused_with_4xx_and_the_call_goes_on_echoing()
    {
        await WithEchoingCallAsync(async (api, fake, caller, callId) =>
        {
            foreach (var path in new[] { "calls/nosuchcall/dtmf", "calls/nosuchcall/transfer", "calls/nosuchcall/hold", "calls/nosuchcall/hangup" })
            {
                var missing = await api.PostAsync(path, new { digits = "1", to = "+15550001111", mode = "cold" });
                Assert.True(missing.Status == HttpStatusCode.NotFound, path + ": " + missing);
                Assert.Equal("application/problem+json", missing.MediaType);
            }

            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("calls/nosuchcall")).Status);

            foreach (var digits in new string?[] { "12x", string.Empty, "1 2", "1a", new string('1', 65), null })
            {
                var bad = await api.PostAsync($"calls/{callId}/dtmf", new { digits });
                Assert.True(bad.Status == HttpStatusCode.BadRequest, $"digits {digits}: {bad}");
                Assert.True(bad.Body.GetProperty("errors").TryGetProperty("digits", out _), bad.ToString());
            }

            // Digits as a JSON number are not the request's shape at all.
            var notText = await api.PostAsync($"calls/{callId}/dtmf", new { digits = 159 });
            Assert.True(notText.Status == HttpStatusCode.BadRequest, notText.ToString());

            var badTone = await api.PostAsync($"calls/{callId}/dtmf", new { digits = "1", toneMs = 20 });
            Assert.True(badTone.Status == HttpStatusCode.BadRequest, badTone.ToString());

            foreach (var to in new[] { "555-0100", "+1", "15550001111", "sip:", "sip:desk@", "tel:+15550001111", "+1555000111122223", string.Empty })
            {
                var bad = await api.PostAsync($"calls/{callId}/transfer", new { to, mode = "cold" });
                Assert.True(bad.Status == HttpStatusCode.BadRequest, $"to {to}: {bad}");
                Assert.True(bad.Body.GetProperty("errors").TryGetProperty("to", out _), bad.ToString());
            }

            var badMode = await api.PostAsync($"calls/{callId}/transfer", new { to = "+15550001111", mode = "sideways" });
            Assert.True(badMode.Status == HttpStatusCode.BadRequest, badMode.ToString());

            // Nothing reached Twilio, no tone was played, and the call is as it was.
            Assert.Empty(fake.Requests);
            await StillEchoingAsync(api, caller, callId);
            var call = (await api.GetAsync($"calls/{callId}")).Body;
            Assert.Equal(0, CallsApi.Media(call, "dtmfTonesPlayed"));
            Assert.Equal(System.Text.Json.JsonValueKind.Null, call.GetProperty("transfer").ValueKind);
        });
    }

    [Fact]
    public async Task A_twilio_refusal_answers_502_with_its_code_and_the_call_goes_on_echoing()
    {
        await WithEchoingCallAsync(async (api, fake, caller, callId) =>
        {
            // The warm leg's number is one Twilio refuses (21211): nothing is left of the leg.
            var refused = await api.PostAsync($"calls/{callId}/transfer", new { to = FakeTwilioApi.InvalidTo, mode = "warm" });
            Assert.True(refused.Status == HttpStatusCode.BadGateway, refused.ToString());
            Assert.Equal("application/problem+json", refused.MediaType);
            Assert.Equal("twilio", refused.Body.GetProperty("provider").GetString());
            Assert.Equal(400, refused.Body.GetProperty("providerStatus").GetInt32());
            Assert.Equal("21211", refused.Body.GetProperty("providerCode").GetString());
            Assert.Equal(callId, CallsApi.CallId(Assert.Single(await api.ListAsync())));

            // A brief outage (503) refuses the cold transfer: never retried, so Twilio got it once.
            fake.FailNext(1);
            var outage = await api.PostAsync($"calls/{callId}/transfer", new { to = "+15550001111", mode = "cold" });
            Assert.True(outage.Status == HttpStatusCode.BadGateway, outage.ToString());
            Assert.Equal(503, outage.Body.GetProperty("providerStatus").GetInt32());
            Assert.Single(fake.Requests, r => r.Path.EndsWith($"/Calls/{caller.CallSid}.json", StringComparison.Ordinal));

            var call = (await api.GetAsync($"calls/{callId}")).Body;
            Assert.Equal("answered", CallsApi.State(call));
            Assert.Equal("failed", call.GetProperty("transfer").GetProperty("state").GetString());
            await StillEchoingAsync(api, caller, callId);
        });
    }

    /// <summary>GET /calls/{callId} says answered, and the caller hears more of its own signal echoed.</summary>
    private static async Task StillEchoingAsync(CallsApi api, TwilioMediaCall caller, string callId)
    {
        const int Rate = CallerAudio.SampleRate;
        var call = await api.GetAsync($"calls/{callId}");
        Assert.Equal(HttpStatusCode.OK, call.Status);
        Assert.Equal("answered", CallsApi.State(call.Body));
        var start = caller.Recording().Samples.Length;
        await CallsApi.UntilAsync(() => Task.FromResult(caller.Recording().Samples.Length >= start + (Rate * 2)), "two more seconds heard by the caller");
        Assert.True(FakeStream.Peak(caller.Recording().Samples.AsSpan(start, Rate * 2)) > 1000, "the caller still hears its echo");
        var framesToPhone = CallsApi.Media(call.Body, "framesToPhone");
        await api.WaitForCallAsync(callId, c => CallsApi.Media(c, "framesToPhone") > framesToPhone, "more frames to the phone");
    }

    private static async Task WithEchoingCallAsync(Func<CallsApi, FakeTwilioApi, TwilioMediaCall, string, Task> test)
    {
        await TwilioCallsApiTests.RunAsync(async (server, api, fake, http) =>
        {
            await using var pacer = new FramePacer(TimeProvider.System);
            var audio = CallerAudio.FromPcm(Enumerable.Repeat(Signal, 60).SelectMany(s => s).ToArray(), CallerAudio.SampleRate);
            await using var caller = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, new TwilioMediaCallOptions { Record = true }, CancellationToken.None);
            fake.Calls[caller.CallSid] = "in-progress";
            caller.Play(audio, audio.FrameCount, pacer);
            var listed = await api.WaitForCallAsync(c => c.GetProperty("providerCallId").GetString() == caller.CallSid && CallsApi.State(c) == "answered", "the caller to be answered");
            var callId = CallsApi.CallId(listed);
            await api.WaitForCallAsync(callId, c => CallsApi.Media(c, "framesToPhone") >= 25, "the echo to flow");
            await test(api, fake, caller, callId);
        });
    }
}
