using System.Net;
using System.Text;
using System.Text.Json;
using PhoneBridge.Core.Registry;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Telnyx.Tests.Hosting;

namespace PhoneBridge.Telnyx.Tests.Webhooks;

public sealed class TelnyxEventsEndpointTests
{
    private static byte[] Initiated(string eventId, string controlId, TelnyxTestHost host) =>
        TelnyxWebhookBodies.CallInitiated(eventId, controlId, "+15551230000", "+15559870000", host.Time.GetUtcNow());

    [Fact]
    public async Task IncomingCallIsRegisteredAndAnsweredWithATokenizedStreamUrl()
    {
        await using var host = await TelnyxTestHost.StartAsync();

        using var response = await host.PostWebhookAsync(Initiated("ev-1", "v3:call-1", host));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await host.Api.NextAsync();
        Assert.Equal("https://api.telnyx.test/v2/calls/v3%3Acall-1/actions/answer", answer.Uri.AbsoluteUri);
        Assert.Equal("Bearer " + TelnyxTestHost.TelnyxApiKey, answer.Authorization);
        using var json = JsonDocument.Parse(answer.Body);
        var streamUrl = new Uri(json.RootElement.GetProperty("stream_url").GetString()!);
        Assert.Equal("wss", streamUrl.Scheme);
        Assert.Equal("bridge.example.test", streamUrl.Host);
        var segments = streamUrl.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["telnyx", "media"], segments[..2]);
        Assert.Equal(4, segments.Length);
        Assert.Equal("PCMU", json.RootElement.GetProperty("stream_bidirectional_codec").GetString());
        Assert.Equal("rtp", json.RootElement.GetProperty("stream_bidirectional_mode").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("command_id").GetString()));

        Assert.Equal(1, host.Registry.Count);
        Assert.True(host.Tracker.TryGet("v3:call-1", out var call));
        Assert.Equal(segments[2], call.CallId);
        Assert.Equal(Core.Registry.ClaimResult.Claimed, host.Registry.TryClaim(segments[2], Uri.UnescapeDataString(segments[3]), out var claimed));

        // The answer codec's rate is known at the webhook, so the edge call is joined before the media socket opens.
        Assert.Equal(8000, claimed!.Info.ExpectedSampleRate);
        Assert.NotNull(claimed.EdgeJoin);
    }

    [Theory]
    [InlineData("PCMA", "PCMA")]
    [InlineData("L16", "PCMU")]   // answer cannot set the two-way sampling rate: L16 would come back at 8 kHz
    public async Task ConfiguredCodecIsRequestedWhenAnswerCanCarryIt(string configured, string requested)
    {
        await using var host = await TelnyxTestHost.StartAsync(s => s["Telnyx:Codec"] = configured);

        using var response = await host.PostWebhookAsync(Initiated("ev-1", "v3:wide", host));

        var answer = await host.Api.NextAsync();
        using var json = JsonDocument.Parse(answer.Body);
        Assert.Equal(requested, json.RootElement.GetProperty("stream_bidirectional_codec").GetString());
        Assert.Equal(requested, json.RootElement.GetProperty("stream_codec").GetString());
        Assert.False(json.RootElement.TryGetProperty("stream_bidirectional_sampling_rate", out _));
    }

    [Fact]
    public async Task DuplicateInitiatedIsNotRegisteredOrAnsweredTwice()
    {
        await using var host = await TelnyxTestHost.StartAsync();
        var body = Initiated("ev-1", "v3:dup", host);

        // The same delivery twice at once, then a retry with a new event id for the same call.
        var first = host.PostWebhookAsync(body);
        var second = host.PostWebhookAsync(body);
        using var r1 = await first;
        using var r2 = await second;
        using var r3 = await host.PostWebhookAsync(Initiated("ev-2", "v3:dup", host));
        Assert.All([r1, r2, r3], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        await host.Api.NextAsync();
        // A later, different call is the next request the API sees: nothing else was queued for the duplicate.
        using var other = await host.PostWebhookAsync(Initiated("ev-3", "v3:other", host));
        var next = await host.Api.NextAsync();
        Assert.Contains("v3%3Aother", next.Uri.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(2, host.Api.Requests.Count);
        Assert.Equal(2, host.Registry.Count);
    }

    [Fact]
    public async Task HangupReleasesARegisteredButUnclaimedCall()
    {
        await using var host = await TelnyxTestHost.StartAsync();
        using var r1 = await host.PostWebhookAsync(Initiated("ev-1", "v3:short", host));
        await host.Api.NextAsync();
        Assert.Equal(1, host.Registry.Count);

        using var r2 = await host.PostWebhookAsync(
            TelnyxWebhookBodies.CallHangup("ev-2", "v3:short", "originator_cancel", host.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        Assert.Equal(0, host.Registry.Count);
        Assert.False(host.Tracker.TryGet("v3:short", out _));
    }

    [Fact]
    public async Task HangupThatOvertakesItsInitiatedPreventsTheAnswer()
    {
        await using var host = await TelnyxTestHost.StartAsync();

        using var r1 = await host.PostWebhookAsync(
            TelnyxWebhookBodies.CallHangup("ev-2", "v3:late", "originator_cancel", host.Time.GetUtcNow()));
        using var r2 = await host.PostWebhookAsync(Initiated("ev-1", "v3:late", host));
        using var r3 = await host.PostWebhookAsync(Initiated("ev-3", "v3:next", host));

        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        var only = await host.Api.NextAsync();
        Assert.Contains("v3%3Anext", only.Uri.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(1, host.Registry.Count);
    }

    [Fact]
    public async Task StreamingEventsAreTracked()
    {
        await using var host = await TelnyxTestHost.StartAsync();
        using var r1 = await host.PostWebhookAsync(Initiated("ev-1", "v3:s", host));
        await host.Api.NextAsync();
        Assert.True(host.Tracker.TryGet("v3:s", out var call));
        Assert.Equal(PhoneBridge.Telnyx.Calls.TelnyxStreamingState.NotStarted, call.Streaming);

        using var r2 = await host.PostWebhookAsync(TelnyxWebhookBodies.Streaming("streaming.stopped", "ev-3", "v3:s", host.Time.GetUtcNow()));
        // Delivered late: must not undo the stop.
        using var r3 = await host.PostWebhookAsync(TelnyxWebhookBodies.Streaming("streaming.started", "ev-2", "v3:s", host.Time.GetUtcNow()));

        Assert.Equal(PhoneBridge.Telnyx.Calls.TelnyxStreamingState.Stopped, call.Streaming);
    }

    [Fact]
    public async Task StreamingFailureHangsUp()
    {
        await using var host = await TelnyxTestHost.StartAsync();
        using var r1 = await host.PostWebhookAsync(Initiated("ev-1", "v3:f", host));
        await host.Api.NextAsync();

        using var r2 = await host.PostWebhookAsync(TelnyxWebhookBodies.Event("streaming.failed", "ev-2", host.Time.GetUtcNow(),
            new Dictionary<string, object?> { ["call_control_id"] = "v3:f", ["failure_reason"] = "connection_failed" }));

        var hangup = await host.Api.NextAsync();
        Assert.Equal("https://api.telnyx.test/v2/calls/v3%3Af/actions/hangup", hangup.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task FailedAnswerReleasesTheRegistration()
    {
        await using var host = await TelnyxTestHost.StartAsync();
        host.Api.Respond(HttpStatusCode.UnprocessableEntity, """{"errors":[{"code":"90018","title":"Call has already ended"}]}""");

        using var r1 = await host.PostWebhookAsync(Initiated("ev-1", "v3:gone", host));
        await host.Api.NextAsync();

        await WaitUntilAsync(() => host.Registry.Count == 0);
        Assert.False(host.Tracker.TryGet("v3:gone", out _));
    }

    [Theory]
    [InlineData("wrong-key")]
    [InlineData("altered-body")]
    [InlineData("stale")]
    [InlineData("future")]
    [InlineData("missing-headers")]
    public async Task UnverifiedWebhooksAre403AndNotActedOn(string defect)
    {
        await using var host = await TelnyxTestHost.StartAsync();
        var body = Initiated("ev-1", "v3:forged", host);
        var now = host.Time.GetUtcNow();
        HttpResponseMessage response;
        switch (defect)
        {
            case "wrong-key":
                using (var other = TelnyxWebhookSigner.CreateRandom())
                {
                    response = await host.PostWebhookAsync(body, signer: other);
                }

                break;
            case "altered-body":
                var altered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("parked", "Parked", StringComparison.Ordinal));
                Assert.NotEqual(body, altered);
                var request = new HttpRequestMessage(HttpMethod.Post, "/telnyx/events")
                {
                    Content = new ByteArrayContent(altered),
                };
                host.Signer.AddHeaders(request, body, now);
                response = await host.Client.SendAsync(request);
                break;
            case "stale":
                response = await host.PostWebhookAsync(body, now.AddSeconds(-301));
                break;
            case "future":
                response = await host.PostWebhookAsync(body, now.AddSeconds(301));
                break;
            default:
                response = await host.Client.PostAsync("/telnyx/events", new ByteArrayContent(body));
                break;
        }

        using (response)
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(0, host.Registry.Count);
        Assert.Empty(host.Api.Requests);
    }

    [Fact]
    public async Task TheDocumentedVectorIsAcceptedAtItsTime()
    {
        using var signer = TelnyxWebhookSigner.FromSeed(Convert.FromHexString(TelnyxSignatureVerifierTests.SecretKeyHex));
        await using var host = await TelnyxTestHost.StartAsync(now: DateTimeOffset.FromUnixTimeSeconds(1_700_000_100), signer: signer);
        var request = new HttpRequestMessage(HttpMethod.Post, "/telnyx/events")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(TelnyxSignatureVerifierTests.Body)),
        };
        request.Headers.Add("telnyx-timestamp", TelnyxSignatureVerifierTests.Timestamp);
        request.Headers.Add("Telnyx-Signature-Ed25519", TelnyxSignatureVerifierTests.Signature);

        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await host.Api.NextAsync();
        Assert.Contains("v3%3Aabc", answer.Uri.AbsoluteUri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"data":null}""")]
    [InlineData("""{"data":{"event_type":42}}""")]
    [InlineData("[]")]
    public async Task SignedButMalformedBodiesAre400(string body)
    {
        await using var host = await TelnyxTestHost.StartAsync();

        using var response = await host.PostWebhookAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, host.Registry.Count);
    }

    [Fact]
    public async Task OtherEventsAreAcknowledged()
    {
        await using var host = await TelnyxTestHost.StartAsync();

        using var response = await host.PostWebhookAsync(TelnyxWebhookBodies.Event("call.dtmf.received", "ev-9", host.Time.GetUtcNow(),
            new Dictionary<string, object?> { ["call_control_id"] = "v3:x", ["digit"] = "5" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task EndpointsAreNotMappedWithoutTelnyxConfiguration()
    {
        await using var host = await TelnyxTestHost.StartAsync(s =>
        {
            s["Telnyx:ApiKey"] = null;
            s["Telnyx:PublicKey"] = null;
            s["Telnyx:ConnectionId"] = null;
        });

        using var response = await host.Client.PostAsync("/telnyx/events", new ByteArrayContent([]));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task AnInvalidPublicKeyStopsTheServerAtStart()
    {
        var e = await Assert.ThrowsAnyAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            TelnyxTestHost.StartAsync(s => s["Telnyx:PublicKey"] = "AAAA"));
        Assert.Contains("Telnyx:PublicKey", e.Message, StringComparison.Ordinal);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
