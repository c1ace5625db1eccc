using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Registry;
using PhoneBridge.Twilio.Calls;
using PhoneBridge.Twilio.Rest;
using PhoneBridge.Twilio.Tests.Infrastructure;
using PhoneBridge.Twilio.Tests.Rest;

namespace PhoneBridge.Twilio.Tests.Calls;

/// <summary>The library call behind <c>POST /twilio/calls</c>, used by apps that dial without an HTTP request (samples, jobs).</summary>
public sealed class TwilioOutboundCallsTests(FakeTwilioApiFixture fixture) : IClassFixture<FakeTwilioApiFixture>
{
    private Task<TwilioTestApp> StartAsync(string? publicUrl) =>
        TwilioTestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = FakeTwilioApiFixture.AccountSid,
            ["Twilio:AuthToken"] = FakeTwilioApiFixture.AuthToken,
            ["Twilio:ApiBaseUrl"] = fixture.Api.BaseUrl,
            ["PhoneBridge:PublicUrl"] = publicUrl,
        });

    [Fact]
    public async Task Places_a_call_whose_twiml_streams_to_a_registered_media_url_under_the_configured_public_url()
    {
        await using var app = await StartAsync("https://abc.ngrok.app/");
        var calls = app.App.Services.GetRequiredService<TwilioOutboundCalls>();
        fixture.Api.Requests.Clear();

        var call = await calls.PlaceCallAsync("+14155550199", "+14155550100", statusCallback: null, CancellationToken.None);

        Assert.StartsWith("CA", call.CallSid, StringComparison.Ordinal);
        var registered = Assert.Single(app.Registry.Requests);
        Assert.Equal(("twilio", "+14155550199", "+14155550100"), (registered.Provider, registered.To, registered.From));
        var sent = Assert.Single(fixture.Api.Requests);
        Assert.Equal(["+14155550199"], sent.Form["To"]);
        Assert.False(sent.Form.ContainsKey("StatusCallback"));
        var url = XDocument.Parse(sent.Form["Twiml"][0]).Descendants("Stream").Single().Attribute("url")!.Value;
        Assert.StartsWith($"wss://abc.ngrok.app/twilio/media/{call.CallId}/", url, StringComparison.Ordinal);
        Assert.Equal(ClaimResult.Claimed, app.Registry.TryClaim(call.CallId, url[(url.LastIndexOf('/') + 1)..], out _));

        Assert.True(await calls.HangUpAsync(call.CallSid, CancellationToken.None));
        Assert.Equal(["completed"], fixture.Api.Requests.Last().Form["Status"]);
    }

    [Fact]
    public async Task Without_a_public_url_it_refuses_before_registering_or_dialling()
    {
        await using var app = await StartAsync(publicUrl: null);
        var calls = app.App.Services.GetRequiredService<TwilioOutboundCalls>();
        fixture.Api.Requests.Clear();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => calls.PlaceCallAsync("+14155550199", "+14155550100", null, CancellationToken.None));

        Assert.Contains("PublicUrl", error.Message, StringComparison.Ordinal);
        Assert.Empty(app.Registry.Requests);
        Assert.Empty(fixture.Api.Requests);
    }

    [Fact]
    public async Task A_refused_call_releases_its_registration_and_surfaces_twilios_error()
    {
        await using var app = await StartAsync("https://abc.ngrok.app");
        var calls = app.App.Services.GetRequiredService<TwilioOutboundCalls>();

        var error = await Assert.ThrowsAsync<TwilioApiException>(
            () => calls.PlaceCallAsync(FakeTwilioApi.InvalidTo, "+14155550100", null, CancellationToken.None));

        Assert.Equal(21211, error.Code);
        Assert.Single(app.Registry.Requests);
        Assert.Single(app.Registry.Released);
    }
}
