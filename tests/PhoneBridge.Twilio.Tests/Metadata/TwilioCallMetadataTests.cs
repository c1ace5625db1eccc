using System.Net;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Primitives;
using PhoneBridge.Core.Calls;
using PhoneBridge.Twilio.Calls;
using PhoneBridge.Twilio.Tests.Infrastructure;
using PhoneBridge.Twilio.Tests.Rest;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Twilio.Tests.Metadata;

/// <summary>Custom parameters and STIR/SHAKEN: into the TwiML stream and the call's registration, never into the logs.</summary>
public sealed class TwilioCallMetadataTests(FakeTwilioApiFixture fixture) : IClassFixture<FakeTwilioApiFixture>
{
    private const string CallSid = "CA0123456789abcdef0123456789abcdef";
    private const string From = "+14155550100";
    private const string To = "+14155550199";

    [Fact]
    public async Task An_incoming_call_gets_the_configured_stream_parameters_after_its_call_id_and_registers_them_with_its_stir_verstat()
    {
        await using var app = await TwilioTestApp.StartAsync(new Dictionary<string, string?>
        {
            ["PhoneBridge:PublicUrl"] = "https://abc.ngrok.app",
            ["Twilio:StreamParameters:tenant"] = "acme",
            ["Twilio:StreamParameters:lang"] = "de",
        });
        using var client = app.CreateClient();
        var form = new Dictionary<string, string>
        {
            ["AccountSid"] = TwilioTestApp.AccountSid,
            ["CallSid"] = CallSid,
            ["From"] = From,
            ["To"] = To,
            ["CallStatus"] = "ringing",
            ["Direction"] = "inbound",
            ["StirVerstat"] = "TN-Validation-Passed-A",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/twilio/voice") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioRequestValidator.SignatureHeader, new TwilioRequestValidator(TwilioTestApp.AuthToken)
            .ComputeSignature("https://abc.ngrok.app/twilio/voice", form.ToDictionary(p => p.Key, p => new StringValues(p.Value))));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parameters = XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants("Parameter")
            .Select(p => (p.Attribute("name")!.Value, p.Attribute("value")!.Value)).ToList();
        var registered = Assert.Single(app.Registry.Requests);
        // The bridge's own first; the configured ones as configuration lists them.
        Assert.Equal("callId", parameters[0].Item1);
        Assert.Equal([("lang", "de"), ("tenant", "acme")], parameters.Skip(1).OrderBy(p => p.Item1, StringComparer.Ordinal));
        Assert.Equal(new Dictionary<string, string> { ["tenant"] = "acme", ["lang"] = "de" }, registered.CustomParameters);
        Assert.Equal("TN-Validation-Passed-A", registered.StirVerstat);
        Assert.DoesNotContain("4155550", app.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_without_configured_parameters_or_verstat_registers_none()
    {
        await using var app = await TwilioTestApp.StartAsync(new Dictionary<string, string?> { ["PhoneBridge:PublicUrl"] = "https://abc.ngrok.app" });
        using var client = app.CreateClient();
        var form = new Dictionary<string, string> { ["AccountSid"] = TwilioTestApp.AccountSid, ["CallSid"] = CallSid, ["From"] = From, ["To"] = To };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/twilio/voice") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(TwilioRequestValidator.SignatureHeader, new TwilioRequestValidator(TwilioTestApp.AuthToken)
            .ComputeSignature("https://abc.ngrok.app/twilio/voice", form.ToDictionary(p => p.Key, p => new StringValues(p.Value))));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var registered = Assert.Single(app.Registry.Requests);
        Assert.Null(registered.CustomParameters);
        Assert.Null(registered.StirVerstat);
    }

    [Fact]
    public async Task An_outbound_call_streams_its_custom_parameters_and_registers_them()
    {
        await using var app = await TwilioTestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = FakeTwilioApiFixture.AccountSid,
            ["Twilio:AuthToken"] = FakeTwilioApiFixture.AuthToken,
            ["Twilio:ApiBaseUrl"] = fixture.Api.BaseUrl,
        });
        var calls = app.App.Services.GetRequiredService<TwilioOutboundCalls>();
        fixture.Api.Requests.Clear();
        var parameters = new Dictionary<string, string> { ["crmId"] = "42" };

        var call = await calls.PlaceCallAsync(
            new PhoneDialRequest(To, From, new Uri("https://abc.ngrok.app"), CustomParameters: parameters), statusCallback: null, CancellationToken.None);

        var twiml = XDocument.Parse(Assert.Single(fixture.Api.Requests).Form["Twiml"][0]);
        Assert.Equal([("callId", call.CallId), ("crmId", "42")],
            twiml.Descendants("Parameter").Select(p => (p.Attribute("name")!.Value, p.Attribute("value")!.Value)));
        Assert.Equal(parameters, Assert.Single(app.Registry.Requests).CustomParameters);
    }

    [Theory]
    [InlineData("callId", "x", "bridge's own")]
    [InlineData("bad name", "x", "Parameter names")]
    [InlineData("long", null, "under 500")]
    public void Stream_parameters_the_bridge_cannot_send_fail_on_start(string name, string? value, string problem)
    {
        var options = new TwilioOptions { StreamParameters = { [name] = value ?? new string('x', 496) } };

        var result = new TwilioOptionsValidator(new HostingEnvironment { EnvironmentName = "Development" }).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Twilio:StreamParameters:", StringComparison.Ordinal) && f.Contains(problem, StringComparison.Ordinal));
    }
}
