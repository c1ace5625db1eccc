using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Integration.Tests.Calls;
using PhoneBridge.Rtc;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Integration.Tests.Browser;

/// <summary>
/// The browser endpoints over HTTP, with a peer connection of our own stack standing in for the browser: what is
/// anonymous and what is not, refusals of bad offers, the call in <c>GET /calls</c>, its ends and the limit.
/// </summary>
public sealed class BrowserCallApiTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_modules_are_served_without_a_key_and_everything_else_needs_it()
    {
        await using var server = await BrowserServer.StartAsync();
        using var anonymous = BrowserServer.Client(server, withKey: false);

        foreach (var (module, export) in new[]
        {
            ("phone.js", "export async function callAgent("), ("listen.js", "export async function listen("), ("signaling.js", "export function gathered("),
        })
        {
            using var response = await anonymous.GetAsync("/browser/" + module);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Contains(export, text, StringComparison.Ordinal);
            Assert.DoesNotContain(CallsApi.ApiKey, text, StringComparison.Ordinal);
        }

        await using var pc = BrowserServer.Peer(MediaDirection.SendRecv);
        var offer = await BrowserServer.OfferAsync(pc);
        using (var call = await BrowserServer.PostOfferAsync(anonymous, "/browser/calls", offer))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, call.StatusCode);
        }

        using (var hangUp = await anonymous.DeleteAsync("/browser/calls/abc"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, hangUp.StatusCode);
        }

        using (var listen = await BrowserServer.PostOfferAsync(anonymous, "/calls/abc/listen", offer))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, listen.StatusCode);
        }

        Assert.Equal(0, server.Registry.Count);
    }

    [Fact]
    public async Task Offers_that_cannot_be_used_are_refused_with_a_4xx_and_register_nothing()
    {
        await using var server = await BrowserServer.StartAsync(new Dictionary<string, string?> { ["PhoneBridge:Browser:MaxSdpBytes"] = "4096" });
        using var http = BrowserServer.Client(server);
        await using var pc = BrowserServer.Peer(MediaDirection.SendRecv);
        var offer = await BrowserServer.OfferAsync(pc);
        var noIce = string.Join("\r\n", offer.Split("\r\n").Where(l => !l.StartsWith("a=ice-", StringComparison.Ordinal)));
        var noAudio = offer.Replace("m=audio", "m=video", StringComparison.Ordinal);

        async Task Refused(HttpContent body, HttpStatusCode status, string why)
        {
            using var response = await http.PostAsync("/browser/calls", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{why}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        await Refused(new StringContent("v=0 not json", Encoding.UTF8, "application/json"), HttpStatusCode.BadRequest, "not JSON");
        await Refused(JsonContent.Create(new { type = "offer" }), HttpStatusCode.BadRequest, "no sdp");
        await Refused(JsonContent.Create(new { type = "answer", sdp = offer }), HttpStatusCode.BadRequest, "an answer");
        await Refused(JsonContent.Create(new { sdp = "hello" }), HttpStatusCode.BadRequest, "not SDP");
        await Refused(JsonContent.Create(new { sdp = noIce }), HttpStatusCode.BadRequest, "no ICE credentials");
        await Refused(JsonContent.Create(new { sdp = noAudio }), HttpStatusCode.BadRequest, "no audio m-line");
        await Refused(JsonContent.Create(new { sdp = offer + new string('a', 5000) }), HttpStatusCode.RequestEntityTooLarge, "too big");
        await Refused(new StringContent(offer, Encoding.UTF8, "application/sdp"), HttpStatusCode.UnsupportedMediaType, "not JSON content");

        Assert.Equal(0, server.Registry.Count);
        Assert.Equal(0, server.ActiveCalls);
    }

    [Fact]
    public async Task A_browser_call_is_listed_answers_with_audio_and_ends_through_delete_and_through_the_calls_api()
    {
        await using var server = await BrowserServer.StartAsync(new Dictionary<string, string?> { ["PhoneBridge:Browser:MaxCalls"] = "1" });
        using var http = BrowserServer.Client(server);
        using var api = new CallsApi(server);

        // The first call: listed as a browser call, answered once connected, then hung up by the page.
        var (first, firstPc) = await CallAsync(http);
        await using (firstPc)
        {
            var listed = await api.WaitForCallAsync(first, c => CallsApi.State(c) == "answered", "the browser call answered", Generous);
            Assert.Equal("browser", listed.GetProperty("provider").GetString());
            Assert.Equal("inbound", listed.GetProperty("direction").GetString());

            // One browser call at most: a second one waits for the first to end.
            await using var extra = BrowserServer.Peer(MediaDirection.SendRecv);
            using (var refused = await BrowserServer.PostOfferAsync(http, "/browser/calls", await BrowserServer.OfferAsync(extra)))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            }

            using (var hangUp = await http.DeleteAsync("/browser/calls/" + first))
            {
                Assert.Equal(HttpStatusCode.NoContent, hangUp.StatusCode);
            }

            await api.WaitGoneAsync(first, Generous);
            await WaitForStateAsync(firstPc, PeerConnectionState.Closed);
        }

        // The second: hung up through the provider-neutral calls API.
        var (second, secondPc) = await CallAsync(http);
        await using (secondPc)
        {
            Assert.NotEqual(first, second);
            await api.WaitForCallAsync(second, c => CallsApi.State(c) == "answered", "the second browser call answered", Generous);
            var hangUp = await api.PostAsync($"/calls/{second}/hangup");
            Assert.Equal(HttpStatusCode.Accepted, hangUp.Status);
            await api.WaitGoneAsync(second, Generous);
            await WaitForStateAsync(secondPc, PeerConnectionState.Closed);
        }

        using (var unknown = await http.DeleteAsync("/browser/calls/" + second))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        await CallsApi.UntilAsync(() => Task.FromResult(server.ActiveCalls == 0 && server.Registry.Count == 0), "everything released", Generous);
    }

    [Theory]
    [InlineData("PhoneBridge:Browser:SampleRate", "44100")]
    [InlineData("PhoneBridge:Browser:MaxCalls", "0")]
    [InlineData("PhoneBridge:Browser:MaxSdpBytes", "10")]
    public async Task A_bad_browser_setting_stops_the_server_at_start_naming_the_key(string key, string value)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var server = await BrowserServer.StartAsync(new Dictionary<string, string?> { [key] = value });
        });

        var messages = string.Join(" | ", Chain(error).Select(e => e.Message));
        Assert.Contains(key.Split(':')[^1], messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listening_to_an_unknown_call_is_404_and_to_a_call_not_yet_answered_is_409()
    {
        await using var server = await BrowserServer.StartAsync();
        using var http = BrowserServer.Client(server);
        await using var pc = BrowserServer.Peer(MediaDirection.RecvOnly);
        var offer = await BrowserServer.OfferAsync(pc);

        using (var unknown = await BrowserServer.PostOfferAsync(http, "/calls/nosuchcall/listen", offer))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        // A registered call whose media has not started yet.
        var registration = await server.Registry.RegisterAsync(new PhoneBridge.Core.Registry.CallRegistrationRequest("twilio", "CA1"));
        using (var early = await BrowserServer.PostOfferAsync(http, $"/calls/{registration.CallId}/listen", offer))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        }

        server.Registry.Release(registration.CallId);
    }

    private static IEnumerable<Exception> Chain(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }

    private static async Task<(string CallId, PeerConnection Pc)> CallAsync(HttpClient http)
    {
        var pc = BrowserServer.Peer(MediaDirection.SendRecv);
        using var response = await BrowserServer.PostOfferAsync(http, "/browser/calls", await BrowserServer.OfferAsync(pc));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var answer = JsonDocument.Parse(text);
        var callId = answer.RootElement.GetProperty("callId").GetString()!;
        await pc.SetRemoteDescriptionAsync(new RtcSessionDescription(RtcSdpType.Answer, answer.RootElement.GetProperty("sdp").GetString()!), CancellationToken.None);
        return (callId, pc);
    }

    private static async Task WaitForStateAsync(PeerConnection pc, PeerConnectionState state)
    {
        var reached = await Eventually.TrueAsync(() => pc.State == state, Generous);
        Assert.True(reached, $"the connection is {pc.State}, not {state}");
    }
}
