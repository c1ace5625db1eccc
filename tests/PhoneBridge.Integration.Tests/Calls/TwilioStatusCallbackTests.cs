using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator.Twilio;
using PhoneBridge.Testing.Calls;
using PhoneBridge.Testing.TwilioRest;

namespace PhoneBridge.Integration.Tests.Calls;

/// <summary>
/// Twilio's call status callbacks (https://www.twilio.com/docs/voice/api/call-resource#statuscallback) for calls placed
/// with <c>POST /calls</c>, end to end: the create names <c>{public URL}/twilio/status</c> with every event, the fake
/// posts signed statuses there, a call that ends before its media connects ends at once with Twilio's status as the
/// reason (its media URL dead), and a bridged call's <c>completed</c> leaves the end to the media stream.
/// </summary>
public sealed class TwilioStatusCallbackTests
{
    [Fact]
    public async Task A_placed_call_twilio_reports_busy_ends_with_that_reason_and_its_media_url_is_dead()
    {
        await RunAsync(async (server, api, fake, events) =>
        {
            var (callId, callSid, stream) = await PlaceAsync(api, fake);
            var create = Assert.Single(fake.Requests);
            Assert.Equal([new Uri(server.BaseUrl, "twilio/status").AbsoluteUri], create.Form["StatusCallback"]);
            Assert.Equal(["POST"], create.Form["StatusCallbackMethod"]);
            Assert.Equal(["initiated", "ringing", "answered", "completed"], create.Form["StatusCallbackEvent"]);

            // Progress leaves it ringing; a forged status is refused and changes nothing.
            Assert.Equal(HttpStatusCode.NoContent, await fake.SendStatusCallbackAsync(callSid, "initiated"));
            Assert.Equal(HttpStatusCode.NoContent, await fake.SendStatusCallbackAsync(callSid, "ringing"));
            Assert.Equal(HttpStatusCode.Forbidden, await fake.SendStatusCallbackAsync(callSid, "busy", signingToken: "forged"));
            Assert.Equal("ringing", CallsApi.State((await api.GetAsync("calls/" + callId)).Body));

            Assert.Equal(HttpStatusCode.NoContent, await fake.SendStatusCallbackAsync(callSid, "busy"));

            Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("calls/" + callId)).Status);
            Assert.DoesNotContain(await api.ListAsync(), c => CallsApi.CallId(c) == callId);
            Assert.Equal(
                [new PhoneCallEvent(callId, "ringing"), new PhoneCallEvent(callId, "ended", "busy")],
                events.Published.OfType<PhoneCallEvent>().Where(e => e.CallId == callId).ToArray());
            var refused = await Assert.ThrowsAsync<HandshakeRefusedException>(() => TwilioMediaCall.ConnectAsync(
                stream, callSid, fake.AccountSid, BridgeServer.AuthToken, TimeProvider.System, null, CancellationToken.None));
            Assert.Equal(HttpStatusCode.NotFound, refused.Status);

            // Twilio may send it again; the call is gone and stays ended once.
            Assert.Equal(HttpStatusCode.NoContent, await fake.SendStatusCallbackAsync(callSid, "busy"));
            Assert.Single(events.Published.OfType<PhoneCallEvent>(), e => e.CallId == callId && e.State == "ended");
        });
    }

    [Fact]
    public async Task The_fake_reports_no_answer_by_itself_and_the_call_ends_with_that_reason()
    {
        await RunAsync(
            async (server, api, fake, events) =>
            {
                var (callId, _, _) = await PlaceAsync(api, fake);

                await api.WaitGoneAsync(callId);
                Assert.Equal(new PhoneCallEvent(callId, "ended", "no-answer"), events.Published.OfType<PhoneCallEvent>().Last(e => e.CallId == callId));
                await CallsApi.UntilAsync(() => Task.FromResult(!fake.AutoStatusAnswers.IsEmpty), "the fake's status callback to be answered");
                Assert.Equal([204], fake.AutoStatusAnswers.ToArray());
            },
            fake => fake.AutoCallStatus = "no-answer");
    }

    [Fact]
    public async Task Completed_for_a_bridged_call_leaves_the_end_to_its_media_stream_and_ends_it_once()
    {
        await RunAsync(async (server, api, fake, events) =>
        {
            var (callId, callSid, stream) = await PlaceAsync(api, fake);
            fake.Calls[callSid] = "in-progress";
            await using var callee = await TwilioMediaCall.ConnectAsync(stream, callSid, fake.AccountSid, BridgeServer.AuthToken, TimeProvider.System, null, CancellationToken.None);
            await callee.StartAsync(CancellationToken.None);
            await api.WaitForCallAsync(callId, c => CallsApi.State(c) == "answered", "the placed call to be answered");

            // Twilio's completed may overtake the media stream's stop: the call stays until the stream ends it.
            Assert.Equal(HttpStatusCode.NoContent, await fake.SendStatusCallbackAsync(callSid, "in-progress"));
            Assert.Equal(HttpStatusCode.NoContent, await fake.SendStatusCallbackAsync(callSid, "completed", callDurationSeconds: 3));
            Assert.Equal("answered", CallsApi.State((await api.GetAsync("calls/" + callId)).Body));
            Assert.DoesNotContain(events.Published.OfType<PhoneCallEvent>(), e => e.CallId == callId && e.State == "ended");

            await callee.HangUpAsync(CallsApi.Generous, CancellationToken.None);
            await api.WaitGoneAsync(callId);
            var ended = Assert.Single(events.Published.OfType<PhoneCallEvent>(), e => e.CallId == callId && e.State == "ended");
            Assert.NotEqual("completed", ended.Reason);
        });
    }

    private static async Task<(string CallId, string CallSid, TwimlConnectStream Stream)> PlaceAsync(CallsApi api, FakeTwilioApi fake)
    {
        var placed = await api.PostAsync("calls", new { provider = "twilio", to = "+15550002222", from = "+15005550006" });
        Assert.True(placed.Status == HttpStatusCode.Accepted, placed.ToString());
        var callId = placed.Body.GetProperty("callId").GetString()!;
        var create = Assert.Single(fake.Requests);
        var callSid = Assert.Single(fake.StatusCallbacks.Keys);
        return (callId, callSid, TwimlConnectStream.Parse(Assert.Single(create.Form["Twiml"])));
    }

    private static async Task RunAsync(Func<BridgeServer, CallsApi, FakeTwilioApi, RecordingCallEvents, Task> test, Action<FakeTwilioApi>? setUp = null)
    {
        var accountSid = new TwilioCallerOptions { Server = new Uri("http://127.0.0.1/") }.AccountSid;
        await using var fake = await FakeTwilioApi.StartAsync(accountSid, BridgeServer.AuthToken);
        setUp?.Invoke(fake);
        var events = new RecordingCallEvents();
        await using var server = await BridgeServer.StartAsync(
            settings: TwilioCallsApiTests.Settings(fake), services: s => s.AddSingleton<ICallEventPublisher>(events));
        using var api = new CallsApi(server);
        await test(server, api, fake, events);
    }
}
