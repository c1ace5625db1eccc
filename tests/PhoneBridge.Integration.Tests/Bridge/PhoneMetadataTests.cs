using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;
using PhoneBridge.Rtc;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Simulator.Twilio;
using PhoneBridge.Testing.TwilioRest;

namespace PhoneBridge.Integration.Tests.Bridge;

/// <summary>
/// What the agent learns of a phone call, as the fake Stream keeps the phone user: <c>custom.phone</c> for a Twilio
/// call in (configured stream parameters), a Twilio call out (<c>customParameters</c> on <c>POST /calls</c>) and a
/// Telnyx call in (<c>client_state</c>, STIR/SHAKEN).
/// </summary>
public sealed class PhoneMetadataTests
{
    private const string ApiKey = "metadata-api-key";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_twilio_call_in_carries_the_configured_stream_parameters_and_what_only_its_start_message_adds()
    {
        await using var fake = await StartFakeStreamAsync();
        await using var server = await BridgeServer.StartAsync(settings: Settings(fake, ("Twilio:StreamParameters:tenant", "acme")));
        using var http = server.NewHttpClient();

        var callSid = TwilioSids.NewCallSid();
        var stream = await new TwilioWebhookClient(http, server.Caller).RingAsync(callSid, CancellationToken.None);
        Assert.Equal("acme", stream.Parameters["tenant"]);
        var callId = stream.Parameters["callId"];

        // Written at the webhook, before any media: the early join and the ringing event.
        await FakeStream.WaitUntilAsync(() => Phone(fake, callId) is not null, "the phone user's custom.phone", 30000);
        SameJson(
            $$$"""{"callId":"{{{callId}}}","provider":"twilio","direction":"inbound","from":"***0006","to":"***0001","providerCallId":"{{{callSid}}}","customParameters":{"tenant":"acme"}}""",
            Phone(fake, callId));

        // Someone else (a CRM lookup, say) writes on the phone user meanwhile, once both of the bridge's first writes
        // are done (the join follows its write, the ringing event its own).
        await FakeStream.WaitUntilAsync(() => fake.Joins.Any(j => j.UserId == "phone-" + callId)
            && fake.CustomEvents.Any(e => e["custom"]?["callId"]?.GetValue<string>() == callId), "the join and the ringing event", 30000);
        var user = fake.UserRecords["phone-" + callId];
        lock (user)
        {
            user["custom"]!["crm"] = new JsonObject { ["ticket"] = "T-42" };
        }

        // A parameter the media stream's start message carries that the webhook did not know is added to the rest.
        var started = stream with { Parameters = new Dictionary<string, string>(stream.Parameters) { ["queue"] = "sales" } };
        await using var call = await TwilioMediaCall.ConnectAsync(
            started, callSid, server.Caller.AccountSid, server.Caller.AuthToken, TimeProvider.System, new TwilioMediaCallOptions(), CancellationToken.None);
        await call.StartAsync(CancellationToken.None);
        await FakeStream.WaitUntilAsync(() => Phone(fake, callId)?["customParameters"]?["queue"] is not null, "the start message's parameters", 30000);
        Assert.Equal("""{"tenant":"acme","queue":"sales"}""", Phone(fake, callId)!["customParameters"]!.ToJsonString());
        Assert.Equal("T-42", fake.UserRecords["phone-" + callId]["custom"]!["crm"]!["ticket"]!.GetValue<string>());

        // The user was created (by the early join and the ringing event, whichever came first, both with the metadata)
        // and never replaced after that: the start message's update was a partial one.
        Assert.All(fake.Users.Where(u => u["users"]!.AsObject().ContainsKey("phone-" + callId)),
            u => Assert.NotNull(u["users"]!["phone-" + callId]!["custom"]!["phone"]));
        Assert.True(fake.PartialUserUpdates.Last()["users"]![0]!["set"]!["phone"]!["customParameters"]!["queue"] is not null);
        await call.HangUpAsync(Generous, CancellationToken.None);
    }

    [Fact]
    public async Task A_twilio_call_out_carries_the_custom_parameters_of_post_calls_and_its_call_sid_once_its_media_starts()
    {
        const string AccountSid = "AC0123456789abcdef0123456789abcdef";
        await using var twilio = await FakeTwilioApi.StartAsync(AccountSid, BridgeServer.AuthToken);
        await using var fake = await StartFakeStreamAsync();
        await using var server = await BridgeServer.StartAsync(settings: Settings(fake, ("Twilio:AccountSid", AccountSid), ("Twilio:ApiBaseUrl", twilio.BaseUrl)));
        using var http = server.NewHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);

        using var response = await http.PostAsJsonAsync(new Uri(server.BaseUrl, "calls"),
            new { provider = "twilio", to = "+15551234567", from = "+15557654321", customParameters = new Dictionary<string, string> { ["crmId"] = "42", ["lang"] = "de" } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var callId = (await response.Content.ReadFromJsonAsync<CallDialResponse>())!.CallId;

        // Twilio got the parameters as <Parameter>s of the stream, after the bridge's own callId.
        var create = Assert.Single(twilio.Requests, r => r.Path.EndsWith("/Calls.json", StringComparison.Ordinal));
        var stream = TwimlConnectStream.Parse(create.Form["Twiml"][0]);
        Assert.Equal(["callId", "crmId", "lang"], stream.Parameters.Keys);
        Assert.Equal(callId, stream.Parameters["callId"]);
        var callSid = Assert.Single(twilio.Calls.Keys);

        await FakeStream.WaitUntilAsync(() => Phone(fake, callId) is not null, "the phone user's custom.phone", 30000);
        var phone = Phone(fake, callId)!;
        Assert.Equal(("outbound", "***4321", "***4567"), (phone["direction"]!.GetValue<string>(), phone["from"]!.GetValue<string>(), phone["to"]!.GetValue<string>()));
        Assert.Equal("""{"crmId":"42","lang":"de"}""", phone["customParameters"]!.ToJsonString());

        // Twilio answers and opens the media stream: its start message has the CallSid, which the user then carries.
        await using var call = await TwilioMediaCall.ConnectAsync(
            stream, callSid, server.Caller.AccountSid, server.Caller.AuthToken, TimeProvider.System, new TwilioMediaCallOptions(), CancellationToken.None);
        await call.StartAsync(CancellationToken.None);
        await FakeStream.WaitUntilAsync(() => Phone(fake, callId)?["providerCallId"]?.GetValue<string>() == callSid, "the CallSid on the phone user", 30000);
        Assert.Equal("""{"crmId":"42","lang":"de"}""", Phone(fake, callId)!["customParameters"]!.ToJsonString());
        await call.HangUpAsync(Generous, CancellationToken.None);
    }

    [Fact]
    public async Task A_telnyx_call_in_carries_its_decoded_client_state_and_stir_shaken_verdict_and_full_numbers_when_configured()
    {
        const string TelnyxKey = "KEY_metadata";
        const string CallControlId = "v3:metadata";
        using var signer = TelnyxWebhookSigner.CreateRandom();
        await using var api = await FakeCallControlApi.StartAsync(TelnyxKey);
        await using var fake = await StartFakeStreamAsync();
        await using var server = await BridgeServer.StartAsync(settings: Settings(fake,
            ("Telnyx:ApiKey", TelnyxKey), ("Telnyx:PublicKey", signer.PublicKeyBase64), ("Telnyx:ApiBaseUrl", api.BaseUrl.ToString()),
            ("Stream:ShowFullNumber", "true")));
        using var http = server.NewHttpClient();

        api.AddIncomingCall(CallControlId);
        var clientState = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"ticket":"T-9","tier":"gold"}"""));
        var body = TelnyxWebhookBodies.Event("call.initiated", "ev-1", DateTimeOffset.UtcNow, new Dictionary<string, object?>
        {
            ["call_control_id"] = CallControlId,
            ["connection_id"] = "simulated-connection",
            ["direction"] = "incoming",
            ["from"] = "+15551230000",
            ["to"] = "+15559870000",
            ["state"] = "parked",
            ["client_state"] = clientState,
            ["shaken_stir_attestation"] = "A",
            ["shaken_stir_validated"] = true,
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, "telnyx/events"))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        signer.AddHeaders(request, body, DateTimeOffset.UtcNow);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await FakeStream.WaitUntilAsync(() => fake.UserRecords.Values.Any(u => u["custom"]?["phone"] is not null), "the phone user's custom.phone", 30000);
        var phone = (JsonObject)fake.UserRecords.Values.Single(u => u["custom"]?["phone"] is not null)["custom"]!["phone"]!;
        var callId = phone["callId"]!.GetValue<string>();
        SameJson(
            $$$"""{"callId":"{{{callId}}}","provider":"telnyx","direction":"inbound","from":"+15551230000","to":"+15559870000","providerCallId":"{{{CallControlId}}}","customParameters":{"ticket":"T-9","tier":"gold"},"stirVerstat":"TN-Validation-Passed-A"}""",
            phone);
    }

    private static void SameJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}, got {actual?.ToJsonString()}");

    private static JsonObject? Phone(FakeStream fake, string callId) =>
        fake.UserRecords.TryGetValue("phone-" + callId, out var user) ? user["custom"]?["phone"] as JsonObject : null;

    private static async Task<FakeStream> StartFakeStreamAsync()
    {
        var fake = await FakeStream.StartAsync();
        fake.Media = new PeerConnectionFactory(Options.Create(new RtcOptions { HostAddresses = ["127.0.0.1"] }), NullLoggerFactory.Instance, TimeProvider.System);
        return fake;
    }

    private static Dictionary<string, string?> Settings(FakeStream fake, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Stream:ApiKey"] = TestOptions.ApiKey,
            ["Stream:ApiSecret"] = TestOptions.ApiSecret,
            ["Stream:BaseUrl"] = fake.BaseUrl.ToString(),
            ["PhoneBridge:Rtc:HostAddresses:0"] = "127.0.0.1",
            ["PhoneBridge:ApiKey"] = ApiKey,
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }
}
