using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Telnyx.Rest;
using PhoneBridge.Telnyx.Calls;
using PhoneBridge.Telnyx.Tests.Hosting;

namespace PhoneBridge.Telnyx.Tests.Calls;

public sealed class TelnyxCallsEndpointTests
{
    private static HttpRequestMessage Dial(object body, string? key = TelnyxTestHost.BridgeApiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/telnyx/calls") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task TheCallApiNeedsTheBridgeApiKey(string? key)
    {
        await using var host = await TelnyxTestHost.StartAsync();

        using var response = await host.Client.SendAsync(Dial(new { to = "+15559870000", from = "+15551230000" }, key));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(host.Api.Requests);
    }

    [Fact]
    public async Task MissingNumbersAre400()
    {
        await using var host = await TelnyxTestHost.StartAsync();

        using var response = await host.Client.SendAsync(Dial(new { to = "+15559870000" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, host.Registry.Count);
    }

    [Fact]
    public async Task WithoutAConnectionIdDialingIsUnavailable()
    {
        await using var host = await TelnyxTestHost.StartAsync(s => s["Telnyx:ConnectionId"] = null);

        using var response = await host.Client.SendAsync(Dial(new { to = "+15559870000", from = "+15551230000" }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Empty(host.Api.Requests);
    }

    [Fact]
    public async Task ARefusedDialIs502WithTheTelnyxErrorsAndReleasesTheRegistration()
    {
        await using var host = await TelnyxTestHost.StartAsync();
        host.Api.Respond(HttpStatusCode.UnprocessableEntity, """{"errors":[{"code":"10015","title":"Invalid value for to","detail":"+1555 is not valid"}]}""");

        using var response = await host.Client.SendAsync(Dial(new { to = "+1555", from = "+15551230000" }));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        Assert.Equal("10015", json.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal(422, json.RootElement.GetProperty("telnyxStatus").GetInt32());
        Assert.DoesNotContain("+1555 is not valid", body, StringComparison.Ordinal);
        Assert.Equal(0, host.Registry.Count);
    }

    [Fact]
    public async Task TheLibraryCallBuildsMediaUrlsFromThePublicUrl()
    {
        await using var host = await TelnyxTestHost.StartAsync();
        host.Api.Respond(HttpStatusCode.OK, """{"data":{"call_control_id":"v3:lib","call_leg_id":"l","call_session_id":"s"}}""");
        var calls = host.App.Services.GetRequiredService<TelnyxOutboundCalls>();

        var call = await calls.PlaceCallAsync("+15559870000", "+15551230000", CancellationToken.None);

        Assert.Equal("v3:lib", call.CallControlId);
        var dial = Assert.Single(host.Api.Requests);
        using var json = JsonDocument.Parse(dial.Body);
        var streamUrl = json.RootElement.GetProperty("stream_url").GetString()!;
        Assert.StartsWith($"wss://bridge.example.test/telnyx/media/{call.CallId}/", streamUrl, StringComparison.Ordinal);
        Assert.True(host.Tracker.TryGet("v3:lib", out var tracked));
        Assert.True(tracked.Outbound);
    }

    [Fact]
    public async Task TheLibraryCallNeedsAPublicUrl()
    {
        await using var host = await TelnyxTestHost.StartAsync(s => s["PhoneBridge:PublicUrl"] = null);
        var calls = host.App.Services.GetRequiredService<TelnyxOutboundCalls>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => calls.PlaceCallAsync("+1", "+2", CancellationToken.None));
        Assert.Equal(0, host.Registry.Count);
    }

    [Fact]
    public async Task HangupOfAnUnknownCallIs404()
    {
        await using var host = await TelnyxTestHost.StartAsync();
        host.Api.Respond(HttpStatusCode.UnprocessableEntity, """{"errors":[{"code":"90018","title":"Call has already ended"}]}""");

        using var request = new HttpRequestMessage(HttpMethod.Delete, "/telnyx/calls/v3%3Agone");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TelnyxTestHost.BridgeApiKey);
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("https://api.telnyx.test/v2/calls/v3%3Agone/actions/hangup", Assert.Single(host.Api.Requests).Uri.AbsoluteUri);
    }

    [Theory]
    [InlineData("PCMA", TelnyxCodec.PCMA)]
    [InlineData("l16", TelnyxCodec.L16)]
    public async Task TheCodecSettingIsBound(string value, TelnyxCodec expected)
    {
        await using var host = await TelnyxTestHost.StartAsync(s => s["Telnyx:Codec"] = value);
        Assert.Equal(expected, host.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TelnyxOptions>>().Value.Codec);
    }

    [Fact]
    public async Task AnUnsupportedCodecStopsTheServerAtStart() =>
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => TelnyxTestHost.StartAsync(s => s["Telnyx:Codec"] = "G722"));

    [Fact]
    public async Task AMissingApiKeyStopsTheServerAtStart()
    {
        var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            TelnyxTestHost.StartAsync(s => s["Telnyx:ApiKey"] = null));
        Assert.Contains("Telnyx:ApiKey", e.Message, StringComparison.Ordinal);
    }
}
