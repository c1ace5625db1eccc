using System.Net;
using System.Xml.Linq;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator.Twilio;
using PhoneBridge.Testing.TwilioRest;

namespace PhoneBridge.Integration.Tests.Calls;

/// <summary>
/// The management API on Twilio calls, end to end: the real server, a simulated Twilio phone (signed webhook and
/// media socket) and the local Calls resource fake, which checks each request as Twilio documents it.
/// </summary>
public sealed class TwilioCallsApiTests
{
    [Fact]
    public async Task A_cold_transfer_of_a_twilio_call_updates_it_with_dial_twiml_from_our_number_and_the_call_leaves_the_list_when_its_stream_stops()
    {
        await RunAsync(async (server, api, fake, http) =>
        {
            await using var caller = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, null, CancellationToken.None);
            fake.Calls[caller.CallSid] = "in-progress";
            var callId = await AnsweredAsync(api, caller.CallSid);

            var answer = await api.PostAsync($"calls/{callId}/transfer", new { to = "+15550001111", mode = "cold" });
            Assert.True(answer.Status == HttpStatusCode.Accepted, answer.ToString());
            Assert.Equal("completed", answer.Body.GetProperty("state").GetString());

            var update = Assert.Single(fake.Requests, r => r.Path.EndsWith($"/Calls/{caller.CallSid}.json", StringComparison.Ordinal));
            Assert.Equal($"/2010-04-01/Accounts/{fake.AccountSid}/Calls/{caller.CallSid}.json", update.Path);
            Assert.False(update.Form.ContainsKey("Status"));
            var dial = Assert.Single(XDocument.Parse(Assert.Single(update.Form["Twiml"])).Descendants("Dial"));
            Assert.Equal(server.Caller.To, dial.Attribute("callerId")?.Value);
            Assert.Equal("+15550001111", dial.Value.Trim());

            // Twilio then ends the media stream: the call leaves the bridge.
            await caller.HangUpAsync(CallsApi.Generous, CancellationToken.None);
            await api.WaitGoneAsync(callId);
        });
    }

    [Fact]
    public async Task A_call_placed_through_the_api_on_twilio_rings_with_machine_detection_and_timeout_then_is_answered_on_its_media_url_and_hangs_up()
    {
        await RunAsync(async (server, api, fake, http) =>
        {
            var placed = await api.PostAsync("calls", new { provider = "twilio", to = "+15550002222", from = "+15005550006", machineDetection = true, timeoutSeconds = 45 });
            Assert.True(placed.Status == HttpStatusCode.Accepted, placed.ToString());
            var callId = placed.Body.GetProperty("callId").GetString()!;

            var create = Assert.Single(fake.Requests);
            Assert.Equal($"/2010-04-01/Accounts/{fake.AccountSid}/Calls.json", create.Path);
            Assert.Equal(["+15550002222"], create.Form["To"]);
            Assert.Equal(["+15005550006"], create.Form["From"]);
            Assert.Equal(["45"], create.Form["Timeout"]);
            Assert.Equal(["DetectMessageEnd"], create.Form["MachineDetection"]);
            Assert.Equal(["true"], create.Form["AsyncAmd"]);
            var stream = TwimlConnectStream.Parse(Assert.Single(create.Form["Twiml"]));
            Assert.Contains(callId, stream.Url.AbsolutePath, StringComparison.Ordinal);

            var listed = Assert.Single(await api.ListAsync());
            var callSid = listed.GetProperty("providerCallId").GetString()!;
            Assert.Equal((callId, "twilio", "outbound", "ringing"),
                (CallsApi.CallId(listed), listed.GetProperty("provider").GetString(), listed.GetProperty("direction").GetString(), CallsApi.State(listed)));
            Assert.True(fake.Calls.ContainsKey(callSid), "the listed CallSid is the one Twilio gave");

            // The callee answers: Twilio opens the media socket the TwiML names.
            fake.Calls[callSid] = "in-progress";
            await using var callee = await TwilioMediaCall.ConnectAsync(stream, callSid, fake.AccountSid, BridgeServer.AuthToken, TimeProvider.System, null, CancellationToken.None);
            await callee.StartAsync(CancellationToken.None);
            await api.WaitForCallAsync(callId, c => CallsApi.State(c) == "answered", "the placed call to be answered");

            var hangup = await api.PostAsync($"calls/{callId}/hangup");
            Assert.True(hangup.Status == HttpStatusCode.Accepted, hangup.ToString());
            // Ending a call is safe to repeat, so a slow answer on a loaded machine may have been retried.
            var ended = fake.Requests.Where(r => r.Path.EndsWith($"/Calls/{callSid}.json", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(ended);
            Assert.All(ended, r => Assert.Equal(["completed"], r.Form["Status"]));
            await api.WaitGoneAsync(callId);
            await callee.WaitClosedAsync(CallsApi.Generous, CancellationToken.None);
        });
    }

    [Fact]
    public async Task A_warm_leg_still_ringing_when_its_caller_hangs_up_is_ended_at_twilio()
    {
        await RunAsync(async (server, api, fake, http) =>
        {
            await using var caller = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, null, CancellationToken.None);
            fake.Calls[caller.CallSid] = "in-progress";
            var callId = await AnsweredAsync(api, caller.CallSid);

            var answer = await api.PostAsync($"calls/{callId}/transfer", new { to = "+15550001111", mode = "warm" });
            Assert.True(answer.Status == HttpStatusCode.Accepted, answer.ToString());
            var legId = answer.Body.GetProperty("legCallId").GetString()!;
            var legSid = Assert.Single(fake.Calls.Keys, sid => sid != caller.CallSid);

            // The caller hangs up while the destination is still ringing: nobody would be there when it answers.
            await caller.HangUpAsync(CallsApi.Generous, CancellationToken.None);
            await api.WaitGoneAsync(callId);
            await api.WaitGoneAsync(legId);
            await CallsApi.UntilAsync(
                () => Task.FromResult(fake.Requests.Any(r => r.Path.EndsWith($"/Calls/{legSid}.json", StringComparison.Ordinal))),
                "the leg to be ended at Twilio");
            Assert.All(
                fake.Requests.Where(r => r.Path.EndsWith($"/Calls/{legSid}.json", StringComparison.Ordinal)),
                r => Assert.Equal(["completed"], r.Form["Status"]));
        });
    }

    private static async Task<string> AnsweredAsync(CallsApi api, string callSid)
    {
        var listed = await api.WaitForCallAsync(
            c => c.GetProperty("providerCallId").GetString() == callSid && CallsApi.State(c) == "answered", "the Twilio call to be answered");
        return CallsApi.CallId(listed);
    }

    internal static async Task RunAsync(Func<BridgeServer, CallsApi, FakeTwilioApi, HttpClient, Task> test, IDictionary<string, string?>? settings = null)
    {
        var accountSid = new TwilioCallerOptions { Server = new Uri("http://127.0.0.1/") }.AccountSid;
        await using var fake = await FakeTwilioApi.StartAsync(accountSid, BridgeServer.AuthToken);
        await using var server = await BridgeServer.StartAsync(settings: Settings(fake, settings));
        using var api = new CallsApi(server);
        using var http = server.NewHttpClient();
        await test(server, api, fake, http);
    }

    internal static Dictionary<string, string?> Settings(FakeTwilioApi fake, IDictionary<string, string?>? more = null)
    {
        var settings = CallsApi.Settings(more);
        settings["Twilio:AccountSid"] = fake.AccountSid;
        settings["Twilio:ApiBaseUrl"] = fake.BaseUrl;
        return settings;
    }
}
