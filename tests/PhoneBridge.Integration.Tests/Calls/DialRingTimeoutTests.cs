using System.Net;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Calls;

/// <summary>
/// A call placed with <c>POST /calls</c> may ring for its whole <c>timeoutSeconds</c> before the callee answers and
/// the provider opens the media socket: the call's registration must still be waiting then, even when the ring
/// time is longer than the registry's usual connect allowance (<c>PhoneBridge:Registry:ConnectTimeout</c>, here
/// shortened to 2 s so the test does not wait a minute).
/// </summary>
public sealed class DialRingTimeoutTests
{
    private static readonly TimeSpan ConnectAllowance = TimeSpan.FromSeconds(2);

    private static readonly Dictionary<string, string?> ShortConnectTimeout = new()
    {
        ["PhoneBridge:Registry:ConnectTimeout"] = "00:00:02",
    };

    [Fact]
    public async Task A_twilio_callee_answering_late_in_the_ring_timeout_still_connects()
    {
        await TwilioCallsApiTests.RunAsync(
            async (server, api, fake, http) =>
            {
                var placed = await api.PostAsync("calls", new { provider = "twilio", to = "+15550002222", from = "+15005550006", timeoutSeconds = 30 });
                Assert.True(placed.Status == HttpStatusCode.Accepted, placed.ToString());
                var callId = placed.Body.GetProperty("callId").GetString()!;
                var create = Assert.Single(fake.Requests);
                var stream = TwimlConnectStream.Parse(Assert.Single(create.Form["Twiml"]));
                var callSid = (await api.GetAsync($"calls/{callId}")).Body.GetProperty("providerCallId").GetString()!;

                // The phone rings past the connect allowance (well inside its 30 s) before it is answered.
                await Task.Delay(ConnectAllowance * 2);
                var ringing = await api.GetAsync($"calls/{callId}");
                Assert.True(ringing.Status == HttpStatusCode.OK && CallsApi.State(ringing.Body) == "ringing", "still ringing: " + ringing);

                fake.Calls[callSid] = "in-progress";
                await using var callee = await TwilioMediaCall.ConnectAsync(stream, callSid, fake.AccountSid, BridgeServer.AuthToken, TimeProvider.System, null, CancellationToken.None);
                await callee.StartAsync(CancellationToken.None);
                await api.WaitForCallAsync(callId, c => CallsApi.State(c) == "answered", "the late answer to connect");
            },
            ShortConnectTimeout);
    }

    [Fact]
    public async Task A_telnyx_callee_answering_late_in_the_ring_timeout_still_connects()
    {
        await TelnyxCallsApiTests.RunAsync(
            async (server, api, fake, phone) =>
            {
                var placed = await api.PostAsync("calls", new { provider = "telnyx", to = "+15550002222", from = "+15559870000", timeoutSeconds = 30 });
                Assert.True(placed.Status == HttpStatusCode.Accepted, placed.ToString());
                var callId = placed.Body.GetProperty("callId").GetString()!;
                var dial = Assert.Single(fake.Accepted, c => c.Action == "dial");

                await Task.Delay(ConnectAllowance * 2);
                var ringing = await api.GetAsync($"calls/{callId}");
                Assert.True(ringing.Status == HttpStatusCode.OK && CallsApi.State(ringing.Body) == "ringing", "still ringing: " + ringing);

                var direct = new UriBuilder(server.BaseUrl) { Scheme = "ws", Path = new Uri(dial.String("stream_url")!).AbsolutePath }.Uri;
                await using var callee = await TelnyxMediaCall.ConnectAsync(direct, dial.CallControlId, dial.String("stream_bidirectional_codec") ?? "PCMU", TimeProvider.System, CancellationToken.None);
                await api.WaitForCallAsync(callId, c => CallsApi.State(c) == "answered", "the late answer to connect");
            },
            ShortConnectTimeout);
    }
}
