using System.Net;
using System.Text.Json;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Telnyx;

namespace PhoneBridge.Integration.Tests.Calls;

/// <summary>
/// The management API on Telnyx calls, end to end: the real server, a simulated Telnyx phone (signed webhooks,
/// media socket) and the simulator's Call Control fake, which checks each command as Telnyx documents it.
/// </summary>
public sealed class TelnyxCallsApiTests
{
    private const string TelnyxApiKey = "KEY_calls_integration";

    [Fact]
    public async Task Dtmf_for_a_live_telnyx_call_reaches_call_control_as_send_dtmf_with_duration_and_command_id()
    {
        await RunAsync(async (server, api, fake, phone) =>
        {
            await using var call = await phone.RingAsync(CancellationToken.None);
            var callId = await AnsweredAsync(api, call.CallControlId);

            var sent = await api.PostAsync($"calls/{callId}/dtmf", new { digits = "159#", toneMs = 250 });
            Assert.True(sent.Status == HttpStatusCode.Accepted, sent.ToString());

            var dtmf = await fake.WaitForAsync("send_dtmf", call.CallControlId, CallsApi.Generous);
            Assert.Equal("159#", dtmf.String("digits"));
            Assert.Equal(250, dtmf.Body.GetProperty("duration_millis").GetInt32());
            Assert.False(string.IsNullOrEmpty(dtmf.String("command_id")));
            Assert.Equal(0, fake.Refused);
        });
    }

    [Fact]
    public async Task A_cold_transfer_of_a_telnyx_call_is_a_transfer_action_and_the_call_leaves_the_list_when_its_stream_stops()
    {
        await RunAsync(async (server, api, fake, phone) =>
        {
            await using var call = await phone.RingAsync(CancellationToken.None);
            var callId = await AnsweredAsync(api, call.CallControlId);

            var answer = await api.PostAsync($"calls/{callId}/transfer", new { to = "+15550001111", mode = "cold" });
            Assert.True(answer.Status == HttpStatusCode.Accepted, answer.ToString());
            Assert.Equal("cold", answer.Body.GetProperty("mode").GetString());
            Assert.Equal("completed", answer.Body.GetProperty("state").GetString());

            var transfer = await fake.WaitForAsync("transfer", call.CallControlId, CallsApi.Generous);
            Assert.Equal("+15550001111", transfer.String("to"));
            Assert.Equal(phone.To, transfer.String("from"));
            Assert.False(string.IsNullOrEmpty(transfer.String("command_id")));
            Assert.Equal(0, fake.Refused);

            // Telnyx then stops the stream and the caller's leg ends here.
            await phone.HangUpAsync(call, CancellationToken.None);
            await api.WaitGoneAsync(callId);
        });
    }

    [Fact]
    public async Task A_call_placed_through_the_api_on_telnyx_rings_with_machine_detection_and_timeout_then_is_answered_on_its_media_url()
    {
        await RunAsync(async (server, api, fake, phone) =>
        {
            var placed = await api.PostAsync("calls", new { provider = "telnyx", to = "+15550002222", from = "+15559870000", machineDetection = true, timeoutSeconds = 45 });
            Assert.True(placed.Status == HttpStatusCode.Accepted, placed.ToString());
            var callId = placed.Body.GetProperty("callId").GetString()!;

            await CallsApi.UntilAsync(() => Task.FromResult(fake.Accepted.Any(c => c.Action == "dial")), "the dial command");
            var dial = fake.Accepted.Single(c => c.Action == "dial");
            Assert.Equal("+15550002222", dial.String("to"));
            Assert.Equal("+15559870000", dial.String("from"));
            Assert.Equal(45, dial.Body.GetProperty("timeout_secs").GetInt32());
            Assert.Equal("detect", dial.String("answering_machine_detection"));
            Assert.False(string.IsNullOrEmpty(dial.String("command_id")));
            var streamUrl = new Uri(dial.String("stream_url")!);
            Assert.Contains(callId, streamUrl.AbsolutePath, StringComparison.Ordinal);

            var listed = Assert.Single(await api.ListAsync());
            Assert.Equal((callId, "telnyx", "outbound", "ringing", dial.CallControlId),
                (CallsApi.CallId(listed), listed.GetProperty("provider").GetString(), listed.GetProperty("direction").GetString(), CallsApi.State(listed),
                    listed.GetProperty("providerCallId").GetString()));

            // The callee answers: Telnyx opens the media socket the dial named (here on loopback, same path).
            var direct = new UriBuilder(server.BaseUrl) { Scheme = "ws", Path = streamUrl.AbsolutePath }.Uri;
            await using var call = await TelnyxMediaCall.ConnectAsync(direct, dial.CallControlId, dial.String("stream_bidirectional_codec") ?? "PCMU", TimeProvider.System, CancellationToken.None);
            await api.WaitForCallAsync(callId, c => CallsApi.State(c) == "answered", "the placed call to be answered");
            Assert.Equal(0, fake.Refused);
        });
    }

    [Fact]
    public async Task A_telnyx_refusal_answers_502_with_its_code_and_the_call_goes_on_echoing()
    {
        await RunAsync(async (server, api, fake, phone) =>
        {
            await using var call = await phone.RingAsync(CancellationToken.None);
            var callId = await AnsweredAsync(api, call.CallControlId);
            await using var pacer = new FramePacer(TimeProvider.System);
            call.Play(Tone(call.SampleRate, seconds: 60), pacer);
            await api.WaitForCallAsync(callId, c => CallsApi.Media(c, "framesToPhone") >= 25, "the echo to flow");

            // Telnyx's side of the call is gone (422, 90018) while its stream still runs.
            fake.EndCall(call.CallControlId);
            var refused = await api.PostAsync($"calls/{callId}/dtmf", new { digits = "1" });
            Assert.True(refused.Status == HttpStatusCode.BadGateway, refused.ToString());
            Assert.Equal("application/problem+json", refused.MediaType);
            Assert.Equal(422, refused.Body.GetProperty("providerStatus").GetInt32());
            Assert.Equal("90018", refused.Body.GetProperty("providerCode").GetString());

            var after = await api.GetAsync($"calls/{callId}");
            Assert.Equal(HttpStatusCode.OK, after.Status);
            Assert.Equal("answered", CallsApi.State(after.Body));
            var toPhone = CallsApi.Media(after.Body, "framesToPhone");
            var heard = call.MediaMessagesReceived;
            await api.WaitForCallAsync(callId, c => CallsApi.Media(c, "framesToPhone") >= toPhone + 50, "a second more of echo");
            await CallsApi.UntilAsync(() => Task.FromResult(call.MediaMessagesReceived >= heard + 50), "the caller to hear a second more of echo");
        });
    }

    private static short[] Tone(int rate, int seconds) =>
        [.. Enumerable.Range(0, rate * seconds).Select(n => (short)(8000 * Math.Sin(2 * Math.PI * 440 * n / rate)))];

    private static async Task<string> AnsweredAsync(CallsApi api, string callControlId)
    {
        var listed = await api.WaitForCallAsync(
            c => c.GetProperty("providerCallId").GetString() == callControlId && CallsApi.State(c) == "answered", "the Telnyx call to be answered");
        return CallsApi.CallId(listed);
    }

    internal static async Task RunAsync(Func<BridgeServer, CallsApi, FakeCallControlApi, TelnyxPhone, Task> test, IDictionary<string, string?>? settings = null)
    {
        using var signer = TelnyxWebhookSigner.CreateRandom();
        await using var fake = await FakeCallControlApi.StartAsync(TelnyxApiKey);
        await using var server = await BridgeServer.StartAsync(settings: CallsApi.Settings(new Dictionary<string, string?>
        {
            ["Telnyx:ApiKey"] = TelnyxApiKey,
            ["Telnyx:PublicKey"] = signer.PublicKeyBase64,
            ["Telnyx:ConnectionId"] = "calls-integration",
            ["Telnyx:Codec"] = "PCMU",
            ["Telnyx:ApiBaseUrl"] = fake.BaseUrl.ToString(),
        }.Concat(settings ?? new Dictionary<string, string?>()).ToDictionary()));
        using var api = new CallsApi(server);
        using var http = server.NewHttpClient();
        var phone = new TelnyxPhone(http, server.BaseUrl, signer, fake, TimeProvider.System);
        await test(server, api, fake, phone);
    }
}
