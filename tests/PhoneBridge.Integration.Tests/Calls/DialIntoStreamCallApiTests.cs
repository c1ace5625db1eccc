using System.Net;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;
using PhoneBridge.Testing.TwilioRest;
using Xunit.Abstractions;

namespace PhoneBridge.Integration.Tests.Calls;

/// <summary>
/// <c>POST /calls</c> naming a Stream call: the dialled phone joins that call (fake Stream with aiortc media) once
/// it answers, the call's <c>phone.call</c> events go there, and the agent already in it is heard.
/// </summary>
public sealed class DialIntoStreamCallApiTests(ITestOutputHelper output)
{
    private const int Rate = CallerAudio.SampleRate;

    [Fact]
    public async Task A_call_dialled_into_a_named_stream_call_joins_it_on_answer_and_hears_the_agent_there()
    {
        var signal = AudioQuality.ToneAndChirp(Rate, 2.0);
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

            // The agent waits in its call and echoes whoever speaks.
            var agent = await fake.AddAgentAsync("default:sales-room", "agent", "echo");
            var placed = await api.PostAsync("calls", new { provider = "twilio", to = "+15550002222", from = "+15005550006", streamCallType = "default", streamCallId = "sales-room" });
            Assert.True(placed.Status == HttpStatusCode.Accepted, placed.ToString());
            var callId = placed.Body.GetProperty("callId").GetString()!;
            var listed = Assert.Single(await api.ListAsync());
            Assert.Equal(("default", "sales-room", "ringing"), (listed.GetProperty("streamCallType").GetString(), listed.GetProperty("streamCallId").GetString(), CallsApi.State(listed)));

            var create = Assert.Single(twilio.Requests);
            var callSid = listed.GetProperty("providerCallId").GetString()!;
            twilio.Calls[callSid] = "in-progress";
            await using var pacer = new FramePacer(TimeProvider.System);
            var audio = CallerAudio.FromPcm(Enumerable.Repeat(signal, 30).SelectMany(s => s).ToArray(), Rate);
            await using var callee = await TwilioMediaCall.ConnectAsync(
                TwimlConnectStream.Parse(Assert.Single(create.Form["Twiml"])), callSid, twilio.AccountSid, BridgeServer.AuthToken, TimeProvider.System,
                new TwilioMediaCallOptions { Record = true }, CancellationToken.None);
            await callee.StartAsync(CancellationToken.None);
            callee.Play(audio, audio.FrameCount, pacer);

            await FakeStream.WaitUntilAsync(() => fake.Joins.Any(j => j.UserId == "phone-" + callId), "the phone to join the Stream call", 60000);
            Assert.Equal("default:sales-room", fake.Joins.Single(j => j.UserId == "phone-" + callId).CallCid);
            await api.WaitForCallAsync(callId, c => CallsApi.State(c) == "answered", "the callee to be answered");

            var heard = default(AudioQuality.Measurement);
            for (var window = 0; window < 3 && !AudioQuality.IsGood(heard); window++)
            {
                var start = callee.Recording().Samples.Length;
                await FakeStream.WaitUntilAsync(() => callee.Recording().Samples.Length >= start + (Rate * 7 / 2), "3.5 s heard by the callee", 60000);
                heard = AudioQuality.Measure(callee.Recording().Samples[(start + (Rate / 2))..(start + (Rate * 7 / 2))], signal, Rate);
                output.WriteLine($"agent's echo → callee: {heard}");
            }

            Assert.True(AudioQuality.IsGood(heard), "agent's echo → callee: " + heard);
            await FakeStream.WaitUntilAsync(
                () => fake.CustomEvents.Any(e => e["custom"]!["type"]!.GetValue<string>() == "phone.call" && e["custom"]!["callId"]!.GetValue<string>() == callId
                    && e["custom"]!["state"]!.GetValue<string>() == "answered"),
                "the answered event",
                60000);
            Assert.Equal(
                ["ringing", "answered"],
                fake.CustomEvents.Select(e => e["custom"]!)
                    .Where(c => c["type"]!.GetValue<string>() == "phone.call" && c["callId"]!.GetValue<string>() == callId)
                    .Select(c => c["state"]!.GetValue<string>()));
        }
        catch (Exception)
        {
            output.WriteLine("sfu_media.py stderr:\n" + media.Stderr);
            throw;
        }
    }
}
