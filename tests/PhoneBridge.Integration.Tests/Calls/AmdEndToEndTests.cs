using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Testing.Calls;
using PhoneBridge.Testing.TwilioRest;

namespace PhoneBridge.Integration.Tests.Calls;

/// <summary>
/// Answering-machine detection through the real server and both providers' local fakes: <c>POST /calls</c> with
/// <c>machineDetection</c> asks the provider as it documents it, the provider's signed callback or webhooks carry the
/// verdict, and it ends as the <c>phone.amd</c> event and as <c>amd</c> on <c>GET /calls/{callId}</c> and the list.
/// </summary>
public sealed class AmdEndToEndTests
{
    private const string ApiKey = "integration-api-key";
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string TelnyxKey = "KEY_integration_amd";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_twilio_machine_ends_as_phone_amd_and_on_the_call()
    {
        await using var twilio = await FakeTwilioApi.StartAsync(AccountSid, BridgeServer.AuthToken);
        var events = new RecordingCallEvents();
        await using var server = await TwilioServerAsync(twilio, events);
        using var http = Client(server);

        var callId = await DialAsync(http, "twilio");
        var create = twilio.Requests.Single(r => r.Path.EndsWith("/Calls.json", StringComparison.Ordinal));
        Assert.Equal(["DetectMessageEnd"], create.Form["MachineDetection"]);
        Assert.Equal(["true"], create.Form["AsyncAmd"]);
        Assert.Equal([new Uri(server.BaseUrl, "twilio/amd").AbsoluteUri], create.Form["AsyncAmdStatusCallback"]);
        Assert.Equal(["POST"], create.Form["AsyncAmdStatusCallbackMethod"]);
        var callSid = Assert.Single(twilio.AmdCallbacks.Keys);
        Assert.Equal(JsonValueKind.Null, (await GetCallAsync(http, callId)).GetProperty("amd").ValueKind);

        // A callback signed with another token is refused like a forged voice webhook.
        Assert.Equal(HttpStatusCode.Forbidden, await twilio.SendAmdCallbackAsync(callSid, "human", signingToken: "forged"));
        Assert.Equal(HttpStatusCode.NoContent, await twilio.SendAmdCallbackAsync(callSid, "machine_end_beep"));

        var amd = (await GetCallAsync(http, callId)).GetProperty("amd");
        Assert.Equal("machine", amd.GetProperty("result").GetString());
        Assert.Equal("machine_end_beep", amd.GetProperty("providerResult").GetString());
        var listed = (await http.GetFromJsonAsync<JsonElement>("/calls")).EnumerateArray().Single(c => c.GetProperty("callId").GetString() == callId);
        Assert.Equal("machine", listed.GetProperty("amd").GetProperty("result").GetString());
        Assert.Equal([new PhoneAmdEvent(callId, "machine", "machine_end_beep")], events.Published.OfType<PhoneAmdEvent>().ToArray());
    }

    [Fact]
    public async Task The_twilio_fake_sends_the_verdict_by_itself_after_the_call_is_placed()
    {
        await using var twilio = await FakeTwilioApi.StartAsync(AccountSid, BridgeServer.AuthToken);
        twilio.AutoAnsweredBy = "human";
        var events = new RecordingCallEvents();
        await using var server = await TwilioServerAsync(twilio, events);
        using var http = Client(server);

        var callId = await DialAsync(http, "twilio");

        Assert.True(
            // The server tells the edge call before it answers the callback, so the fake notes the answer a moment later.
            await Eventually.TrueAsync(() => events.Published.OfType<PhoneAmdEvent>().Any() && !twilio.AutoAmdAnswers.IsEmpty, Timeout),
            "no phone.amd; the fake's callbacks were answered " + string.Join(", ", twilio.AutoAmdAnswers));
        Assert.Equal(new PhoneAmdEvent(callId, "human", "human"), events.Published.OfType<PhoneAmdEvent>().Single());
        Assert.Equal([204], twilio.AutoAmdAnswers.ToArray());
        Assert.Equal("human", (await GetCallAsync(http, callId)).GetProperty("amd").GetProperty("result").GetString());
    }

    [Fact]
    public async Task A_twilio_callback_for_an_unknown_call_is_acknowledged_and_changes_nothing()
    {
        await using var twilio = await FakeTwilioApi.StartAsync(AccountSid, BridgeServer.AuthToken);
        var events = new RecordingCallEvents();
        await using var server = await TwilioServerAsync(twilio, events);
        using var http = Client(server);
        var callId = await DialAsync(http, "twilio");
        var callSid = Assert.Single(twilio.AmdCallbacks.Keys);

        // Twilio's callback for a call this server no longer (or never) had: same URL, another CallSid.
        const string Unknown = "CAffffffffffffffffffffffffffffffff";
        twilio.AmdCallbacks[Unknown] = twilio.AmdCallbacks[callSid];
        Assert.Equal(HttpStatusCode.NoContent, await twilio.SendAmdCallbackAsync(Unknown, "machine_end_beep"));

        Assert.Empty(events.Published.OfType<PhoneAmdEvent>());
        Assert.Equal(JsonValueKind.Null, (await GetCallAsync(http, callId)).GetProperty("amd").ValueKind);
    }

    [Fact]
    public async Task A_telnyx_machine_with_premium_detection_ends_as_phone_amd_and_on_the_call()
    {
        using var signer = TelnyxWebhookSigner.CreateRandom();
        await using var api = await FakeCallControlApi.StartAsync(TelnyxKey);
        var events = new RecordingCallEvents();
        await using var server = await BridgeServer.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["PhoneBridge:ApiKey"] = ApiKey,
                ["Telnyx:ApiKey"] = TelnyxKey,
                ["Telnyx:PublicKey"] = signer.PublicKeyBase64,
                ["Telnyx:ConnectionId"] = "integration-connection",
                ["Telnyx:ApiBaseUrl"] = api.BaseUrl.ToString(),
                ["Telnyx:MachineDetection"] = "premium",
            },
            services: s => s.AddSingleton<ICallEventPublisher>(events));
        using var http = Client(server);

        var callId = await DialAsync(http, "telnyx");
        var dial = api.Accepted.Single(c => c.Action == "dial");
        Assert.Equal("premium", dial.String("answering_machine_detection"));

        var phone = new TelnyxPhone(http, server.BaseUrl, signer, api, TimeProvider.System);
        await using var pacer = new FramePacer(TimeProvider.System);
        await using var call = await phone.AnswerDialAsync(dial, AnswerAs.Machine, pacer, TimeSpan.FromSeconds(1));

        var amd = (await GetCallAsync(http, callId)).GetProperty("amd");
        Assert.Equal("machine", amd.GetProperty("result").GetString());
        Assert.Equal("beep_detected", amd.GetProperty("providerResult").GetString());
        Assert.Equal(
            [new PhoneAmdEvent(callId, "machine", "machine"), new PhoneAmdEvent(callId, "machine", "beep_detected")],
            events.Published.OfType<PhoneAmdEvent>().ToArray());
        await phone.HangUpAsync(call, CancellationToken.None);
    }

    [Fact]
    public async Task Both_providers_verdicts_reach_the_fake_stream_call_as_phone_amd()
    {
        await using var fake = await FakeStream.StartAsync();
        await using var twilio = await FakeTwilioApi.StartAsync(AccountSid, BridgeServer.AuthToken);
        using var signer = TelnyxWebhookSigner.CreateRandom();
        await using var api = await FakeCallControlApi.StartAsync(TelnyxKey);
        await using var server = await BridgeServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Stream:ApiKey"] = TestOptions.ApiKey,
            ["Stream:ApiSecret"] = TestOptions.ApiSecret,
            ["Stream:BaseUrl"] = fake.BaseUrl.ToString(),
            ["PhoneBridge:Rtc:HostAddresses:0"] = "127.0.0.1",
            ["PhoneBridge:ApiKey"] = ApiKey,
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:ApiBaseUrl"] = twilio.BaseUrl,
            ["Telnyx:ApiKey"] = TelnyxKey,
            ["Telnyx:PublicKey"] = signer.PublicKeyBase64,
            ["Telnyx:ConnectionId"] = "integration-connection",
            ["Telnyx:ApiBaseUrl"] = api.BaseUrl.ToString(),
        });
        using var http = Client(server);

        var twilioCallId = await DialAsync(http, "twilio");
        Assert.Equal(HttpStatusCode.NoContent, await twilio.SendAmdCallbackAsync(Assert.Single(twilio.AmdCallbacks.Keys), "machine_end_silence"));

        var telnyxCallId = await DialAsync(http, "telnyx");
        var dial = api.Accepted.Single(c => c.Action == "dial");
        Assert.Equal("detect", dial.String("answering_machine_detection"));
        var phone = new TelnyxPhone(http, server.BaseUrl, signer, api, TimeProvider.System);
        await using var pacer = new FramePacer(TimeProvider.System);
        await using var call = await phone.AnswerDialAsync(dial, AnswerAs.Human, pacer);

        // Read the verdict off the call while it is surely up: on a loaded machine the call's own Stream session (no
        // agent, in-process SFU) may end it before the events below have all arrived.
        Assert.Equal("human", (await AmdOfLiveCallAsync(http, telnyxCallId)).GetProperty("result").GetString());
        await FakeStream.WaitUntilAsync(() => AmdEvents(fake).Count == 2, "both phone.amd events in the Stream calls", 30000);
        string[] expected =
        [
            $$"""{"type":"phone.amd","callId":"{{twilioCallId}}","result":"machine","providerResult":"machine_end_silence"}""",
            $$"""{"type":"phone.amd","callId":"{{telnyxCallId}}","result":"human","providerResult":"human"}""",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), AmdEvents(fake).Order(StringComparer.Ordinal));
        await phone.HangUpAsync(call, CancellationToken.None);
    }

    private static List<string> AmdEvents(FakeStream fake) =>
        fake.CustomEvents
            .Select(e => e["custom"]!)
            .Where(c => c["type"]!.GetValue<string>() == "phone.amd")
            .Select(c => c.ToJsonString())
            .ToList();

    private static Task<BridgeServer> TwilioServerAsync(FakeTwilioApi twilio, RecordingCallEvents events) =>
        BridgeServer.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["PhoneBridge:ApiKey"] = ApiKey,
                ["Twilio:AccountSid"] = AccountSid,
                ["Twilio:ApiBaseUrl"] = twilio.BaseUrl,
            },
            services: s => s.AddSingleton<ICallEventPublisher>(events));

    private static HttpClient Client(BridgeServer server)
    {
        var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = Timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return http;
    }

    private static async Task<string> DialAsync(HttpClient http, string provider)
    {
        using var response = await http.PostAsJsonAsync(
            "/calls", new { provider, to = "+15559870000", from = "+15551230000", machineDetection = true });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("callId").GetString()!;
    }

    private static async Task<JsonElement> GetCallAsync(HttpClient http, string callId) =>
        await http.GetFromJsonAsync<JsonElement>("/calls/" + callId);

    /// <summary>The call's <c>amd</c> once the provider's verdict is on it (the webhook may still be on its way).</summary>
    private static async Task<JsonElement> AmdOfLiveCallAsync(HttpClient http, string callId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var amd = (await GetCallAsync(http, callId)).GetProperty("amd");
            if (amd.ValueKind == JsonValueKind.Object)
            {
                return amd;
            }

            Assert.True(DateTime.UtcNow < deadline, "no answering-machine verdict on the call within 30 s");
            await Task.Delay(50);
        }
    }
}
