using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Admission;
using PhoneBridge.Core.Registry;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Testing.Metrics;

namespace PhoneBridge.Integration.Tests;

/// <summary>
/// Admission control and the drain for Telnyx on the real server host, against the local Call Control fake (which
/// checks a reject as Telnyx documents it, https://developers.telnyx.com/api/call-control/reject-call).
/// </summary>
public sealed class TelnyxAdmissionTests
{
    private const string ApiKey = "KEY_admission";

    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task At_max_calls_a_new_telnyx_call_is_rejected_user_busy_unregistered_and_counted()
    {
        using var signer = TelnyxWebhookSigner.CreateRandom();
        await using var api = await FakeCallControlApi.StartAsync(ApiKey);
        await using var factory = Server(signer, api, new Dictionary<string, string?> { ["PhoneBridge:Admission:MaxCalls"] = "1" });
        using var http = factory.CreateClient();
        using var refusals = new CounterRecorder(CallAdmission.RefusedInstrument, factory.Services.GetRequiredService<IMeterFactory>());
        api.AddIncomingCall("v3:first");
        api.AddIncomingCall("v3:second");

        using (var first = await PostAsync(http, signer, TelnyxWebhookBodies.CallInitiated("ev-1", "v3:first", "+15551230000", "+15559870000", DateTimeOffset.UtcNow)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await api.WaitForAsync("answer", "v3:first", Generous);
        using (var second = await PostAsync(http, signer, TelnyxWebhookBodies.CallInitiated("ev-2", "v3:second", "+15551230001", "+15559870000", DateTimeOffset.UtcNow)))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        var reject = await api.WaitForAsync("reject", "v3:second", Generous);
        Assert.Equal("USER_BUSY", reject.String("cause"));
        Assert.False(string.IsNullOrEmpty(reject.String("command_id")));
        Assert.False(api.IsLive("v3:second"));
        Assert.Equal(0, api.Refused);
        Assert.Equal(1, factory.Services.GetRequiredService<ICallRegistry>().Count);
        Assert.DoesNotContain(api.Accepted, c => c.Action == "answer" && c.CallControlId == "v3:second");
        Assert.Equal(1, refusals.Sum("provider", "telnyx", "reason", "calls"));
    }

    [Fact]
    public async Task While_draining_a_new_call_gets_503_with_retry_after_and_a_hangup_of_a_call_already_here_is_still_processed()
    {
        using var signer = TelnyxWebhookSigner.CreateRandom();
        await using var api = await FakeCallControlApi.StartAsync(ApiKey);
        await using var factory = Server(signer, api, new Dictionary<string, string?>());
        using var http = factory.CreateClient();
        api.AddIncomingCall("v3:here");
        api.AddIncomingCall("v3:new");
        using (var here = await PostAsync(http, signer, TelnyxWebhookBodies.CallInitiated("ev-1", "v3:here", "+15551230000", "+15559870000", DateTimeOffset.UtcNow)))
        {
            Assert.Equal(HttpStatusCode.OK, here.StatusCode);
        }

        await api.WaitForAsync("answer", "v3:here", Generous);
        var registry = factory.Services.GetRequiredService<ICallRegistry>();
        Assert.Equal(1, registry.Count);

        Assert.True(factory.Services.GetRequiredService<CallDrain>().TryBegin());

        using (var refused = await PostAsync(http, signer, TelnyxWebhookBodies.CallInitiated("ev-2", "v3:new", "+15551230001", "+15559870000", DateTimeOffset.UtcNow)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(CallDrain.RetryAfterSeconds), refused.Headers.RetryAfter?.Delta);
        }

        using (var hangup = await PostAsync(http, signer, TelnyxWebhookBodies.CallHangup("ev-3", "v3:here", "normal_clearing", DateTimeOffset.UtcNow)))
        {
            Assert.Equal(HttpStatusCode.OK, hangup.StatusCode);
        }

        Assert.Equal(0, registry.Count);
        Assert.DoesNotContain(api.Accepted, c => c.CallControlId == "v3:new");
    }

    private static WebApplicationFactory<Program> Server(TelnyxWebhookSigner signer, FakeCallControlApi api, Dictionary<string, string?> more)
    {
        var settings = new Dictionary<string, string?>(more)
        {
            ["Telnyx:ApiKey"] = ApiKey,
            ["Telnyx:PublicKey"] = signer.PublicKeyBase64,
            ["Telnyx:ApiBaseUrl"] = api.BaseUrl.ToString(),
            ["PhoneBridge:PublicUrl"] = "https://bridge.example.test",
        };
        return new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, TelnyxWebhookSigner signer, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/telnyx/events")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        signer.AddHeaders(request, body, DateTimeOffset.UtcNow);
        return await http.SendAsync(request);
    }
}
