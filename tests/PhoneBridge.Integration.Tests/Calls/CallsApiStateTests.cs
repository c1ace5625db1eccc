using System.Net;
using System.Net.Http.Headers;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Calls;

/// <summary>
/// What the API refuses for who is asking and for the call's state, on the real server with a Twilio Calls
/// resource fake: no key 401, a call that is not answered yet or already transferred 409, and dial requests a
/// provider cannot take 400, each without a request to Twilio.
/// </summary>
public sealed class CallsApiStateTests
{
    [Fact]
    public async Task Without_the_api_key_every_calls_endpoint_answers_401_problem_details()
    {
        await TwilioCallsApiTests.RunAsync(async (server, api, fake, http) =>
        {
            foreach (var key in new string?[] { null, "wrong-key", CallsApi.ApiKey + "x" })
            {
                foreach (var (method, path) in new[] { ("GET", "calls"), ("GET", "calls/x"), ("POST", "calls"), ("POST", "calls/x/hangup"), ("POST", "calls/x/transfer"), ("POST", "calls/x/dtmf"), ("POST", "calls/x/hold"), ("POST", "calls/x/unhold") })
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(server.BaseUrl, path));
                    if (key is not null)
                    {
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                    }

                    using var response = await http.SendAsync(request);
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with {key ?? "no key"}: {(int)response.StatusCode}");
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
            }

            Assert.Empty(fake.Requests);
        });
    }

    [Fact]
    public async Task Dial_requests_for_an_unknown_or_unconfigured_provider_or_with_bad_numbers_are_refused_with_400_and_nothing_is_dialled()
    {
        await TwilioCallsApiTests.RunAsync(async (server, api, fake, http) =>
        {
            var requests = new object[]
            {
                new { provider = "telnyx", to = "+15550002222", from = "+15005550006" },
                new { provider = "sinch", to = "+15550002222", from = "+15005550006" },
                new { to = "+15550002222", from = "+15005550006" },
                new { provider = "twilio", to = "5550002222", from = "+15005550006" },
                new { provider = "twilio", to = "+15550002222" },
                new { provider = "twilio", to = "+15550002222", from = "+15005550006", timeoutSeconds = 4 },
                new { provider = "twilio", to = "+15550002222", from = "+15005550006", timeoutSeconds = 601 },
                new { provider = "twilio", to = "+15550002222", from = "+15005550006", streamCallType = "default" },
                new { provider = "twilio", to = "+15550002222", from = "+15005550006", streamCallType = "default", streamCallId = "no spaces" },
            };
            foreach (var body in requests)
            {
                var refused = await api.PostAsync("calls", body);
                Assert.True(refused.Status == HttpStatusCode.BadRequest, $"{System.Text.Json.JsonSerializer.Serialize(body)}: {refused}");
                Assert.Equal("application/problem+json", refused.MediaType);
            }

            Assert.Empty(fake.Requests);
            Assert.Empty(await api.ListAsync());
        });
    }

    [Fact]
    public async Task A_ringing_call_cannot_be_transferred_or_sent_tones_and_a_cold_transferred_call_not_transferred_again()
    {
        await TwilioCallsApiTests.RunAsync(async (server, api, fake, http) =>
        {
            var placed = await api.PostAsync("calls", new { provider = "twilio", to = "+15550002222", from = "+15005550006" });
            Assert.True(placed.Status == HttpStatusCode.Accepted, placed.ToString());
            var callId = placed.Body.GetProperty("callId").GetString()!;
            var create = Assert.Single(fake.Requests);

            var early = await api.PostAsync($"calls/{callId}/transfer", new { to = "+15550001111", mode = "cold" });
            Assert.True(early.Status == HttpStatusCode.Conflict, early.ToString());
            var tones = await api.PostAsync($"calls/{callId}/dtmf", new { digits = "1" });
            Assert.True(tones.Status == HttpStatusCode.Conflict, tones.ToString());
            Assert.Single(fake.Requests);

            var callSid = (await api.GetAsync($"calls/{callId}")).Body.GetProperty("providerCallId").GetString()!;
            fake.Calls[callSid] = "in-progress";
            await using var callee = await TwilioMediaCall.ConnectAsync(
                TwimlConnectStream.Parse(Assert.Single(create.Form["Twiml"])), callSid, fake.AccountSid, BridgeServer.AuthToken, TimeProvider.System, null, CancellationToken.None);
            await callee.StartAsync(CancellationToken.None);
            await api.WaitForCallAsync(callId, c => CallsApi.State(c) == "answered", "the callee to answer");

            // A call we dialled is transferred from the number we dialled from, to a SIP desk.
            var transferred = await api.PostAsync($"calls/{callId}/transfer", new { to = "sip:desk@pbx.example.com", mode = "cold" });
            Assert.True(transferred.Status == HttpStatusCode.Accepted, transferred.ToString());
            var update = Assert.Single(fake.Requests, r => r.Path.EndsWith($"/Calls/{callSid}.json", StringComparison.Ordinal));
            var dial = Assert.Single(System.Xml.Linq.XDocument.Parse(Assert.Single(update.Form["Twiml"])).Descendants("Dial"));
            Assert.Equal("+15005550006", dial.Attribute("callerId")?.Value);
            Assert.Equal("sip:desk@pbx.example.com", Assert.Single(dial.Elements("Sip")).Value.Trim());

            var again = await api.PostAsync($"calls/{callId}/transfer", new { to = "+15550001111", mode = "cold" });
            Assert.True(again.Status == HttpStatusCode.Conflict, again.ToString());
            Assert.Equal(2, fake.Requests.Count);
        });
    }

    [Fact]
    public async Task The_call_list_masks_phone_numbers()
    {
        await TwilioCallsApiTests.RunAsync(async (server, api, fake, http) =>
        {
            await using var caller = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, null, CancellationToken.None);
            var listed = await api.WaitForCallAsync(c => c.GetProperty("providerCallId").GetString() == caller.CallSid, "the caller to be listed");
            var one = await api.GetAsync($"calls/{CallsApi.CallId(listed)}");
            var all = await api.GetAsync("calls");
            foreach (var text in new[] { one.Text, all.Text })
            {
                Assert.DoesNotContain(server.Caller.From, text, StringComparison.Ordinal);
                Assert.DoesNotContain(server.Caller.To, text, StringComparison.Ordinal);
            }

            Assert.EndsWith(server.Caller.From[^2..], listed.GetProperty("from").GetString(), StringComparison.Ordinal);
        });
    }
}
