using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;
using PhoneBridge.Twilio.Calls;
using PhoneBridge.Twilio.Rest;
using PhoneBridge.Twilio.Tests.Infrastructure;
using PhoneBridge.Twilio.Tests.Rest;

namespace PhoneBridge.Twilio.Tests.Calls;

/// <summary>
/// <see cref="TwilioCallControl"/> against the local Calls resource fake, which checks each request as Twilio
/// documents it (https://www.twilio.com/docs/voice/api/call-resource#update-a-call-resource).
/// </summary>
public sealed class TwilioCallControlTests(FakeTwilioApiFixture fixture) : IClassFixture<FakeTwilioApiFixture>
{
    private const string OurNumber = "+14155550100";
    private const string CallerNumber = "+14155550199";
    private static readonly Uri PublicBase = new("https://bridge.example");

    private Task<TwilioTestApp> StartAsync(bool configured = true) =>
        TwilioTestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["Twilio:AccountSid"] = configured ? FakeTwilioApiFixture.AccountSid : null,
                ["Twilio:AuthToken"] = FakeTwilioApiFixture.AuthToken,
                ["Twilio:ApiBaseUrl"] = fixture.Api.BaseUrl,
            },
            realRegistry: true);

    private static TwilioCallControl Control(TwilioTestApp app) =>
        Assert.IsType<TwilioCallControl>(
            Assert.Single(app.App.Services.GetServices<IPhoneCallControl>(), c => c.Provider == "twilio"));

    private static LiveCall Live(string? callSid, CallDirection direction = CallDirection.Inbound) =>
        new(new CallInfo("call-1", "twilio", callSid, CallerNumber, OurNumber, DateTimeOffset.UnixEpoch, direction));

    [Fact]
    public async Task Is_registered_once_as_a_singleton_and_as_a_call_control()
    {
        await using var app = await StartAsync();

        var control = Control(app);

        Assert.Same(control, app.App.Services.GetRequiredService<TwilioCallControl>());
        Assert.Same(control, Control(app));
        Assert.True(control.IsConfigured);
        Assert.False(control.SendsDtmf);
    }

    [Fact]
    public async Task Without_rest_credentials_it_is_not_configured()
    {
        await using var app = await StartAsync(configured: false);

        Assert.False(Control(app).IsConfigured);
    }

    [Fact]
    public async Task Dial_into_an_edge_call_registers_an_outbound_leg_and_asks_for_the_timeout_and_asynchronous_machine_detection()
    {
        await using var app = await StartAsync();
        fixture.Api.Requests.Clear();
        var edgeCall = new EdgeCallAddress("default", "agent-call-7");

        var placed = await Control(app).DialAsync(
            new PhoneDialRequest(CallerNumber, OurNumber, PublicBase, edgeCall, MachineDetection: true, TimeoutSeconds: 25, LinkedCallId: "call-0"),
            CancellationToken.None);

        Assert.True(TwilioRestClient.IsCallSid(placed.ProviderCallId));
        var sent = Assert.Single(fixture.Api.Requests);
        Assert.Equal($"/2010-04-01/Accounts/{FakeTwilioApiFixture.AccountSid}/Calls.json", sent.Path);
        Assert.Equal([CallerNumber], sent.Form["To"]);
        Assert.Equal([OurNumber], sent.Form["From"]);
        Assert.Equal(["25"], sent.Form["Timeout"]);
        // https://www.twilio.com/docs/voice/answering-machine-detection: wait for the end of the greeting, in the
        // background, and post the verdict to our signed callback.
        Assert.Equal(["DetectMessageEnd"], sent.Form["MachineDetection"]);
        Assert.Equal(["true"], sent.Form["AsyncAmd"]);
        Assert.Equal(["https://bridge.example/twilio/amd"], sent.Form["AsyncAmdStatusCallback"]);
        Assert.Equal(["POST"], sent.Form["AsyncAmdStatusCallbackMethod"]);
        Assert.True(fixture.Api.AmdCallbacks.ContainsKey(placed.ProviderCallId));
        var url = XDocument.Parse(sent.Form["Twiml"][0]).Descendants("Stream").Single().Attribute("url")!.Value;
        Assert.StartsWith($"wss://bridge.example/twilio/media/{placed.CallId}/", url, StringComparison.Ordinal);

        var directory = app.App.Services.GetRequiredService<CallDirectory>();
        Assert.True(directory.TryGet(placed.CallId, out var live));
        Assert.Equal(placed.ProviderCallId, live.ProviderCallId);
        Assert.Equal(CallDirection.Outbound, live.Direction);
        Assert.Equal(edgeCall, live.EdgeCall);
        Assert.Equal("call-0", live.Info.LinkedCallId);
    }

    [Fact]
    public async Task A_dial_asks_twilio_for_every_status_event_at_our_signed_status_callback()
    {
        await using var app = await StartAsync();
        fixture.Api.Requests.Clear();

        var placed = await Control(app).DialAsync(new PhoneDialRequest(CallerNumber, OurNumber, PublicBase), CancellationToken.None);

        // https://www.twilio.com/docs/voice/api/call-resource#statuscallbackevent: one field per event.
        var sent = Assert.Single(fixture.Api.Requests);
        Assert.Equal(["https://bridge.example/twilio/status"], sent.Form["StatusCallback"]);
        Assert.Equal(["POST"], sent.Form["StatusCallbackMethod"]);
        Assert.Equal(["initiated", "ringing", "answered", "completed"], sent.Form["StatusCallbackEvent"]);
        Assert.Equal(new Uri("https://bridge.example/twilio/status"), fixture.Api.StatusCallbacks[placed.ProviderCallId].Url);
    }

    [Fact]
    public async Task A_plain_dial_leaves_the_ring_time_and_detection_to_twilio()
    {
        await using var app = await StartAsync();
        fixture.Api.Requests.Clear();

        var placed = await Control(app).DialAsync(new PhoneDialRequest(CallerNumber, OurNumber, PublicBase), CancellationToken.None);

        var sent = Assert.Single(fixture.Api.Requests);
        Assert.False(sent.Form.ContainsKey("Timeout"));
        Assert.False(sent.Form.ContainsKey("MachineDetection"));
        Assert.False(sent.Form.ContainsKey("AsyncAmd"));
        Assert.False(sent.Form.ContainsKey("AsyncAmdStatusCallback"));
        Assert.True(app.App.Services.GetRequiredService<CallDirectory>().TryGet(placed.CallId, out var live));
        Assert.Equal(CallDirection.Outbound, live.Direction);
    }

    [Fact]
    public async Task A_refused_dial_is_a_provider_error_with_twilios_code_and_no_number_and_leaves_no_registration()
    {
        await using var app = await StartAsync();
        var registry = app.App.Services.GetRequiredService<ICallRegistry>();
        var directory = app.App.Services.GetRequiredService<CallDirectory>();

        var error = await Assert.ThrowsAnyAsync<PhoneProviderException>(() => Control(app).DialAsync(
            new PhoneDialRequest(FakeTwilioApi.InvalidTo, OurNumber, PublicBase), CancellationToken.None));

        Assert.Equal("twilio", error.Provider);
        Assert.Equal(400, error.ProviderStatus);
        Assert.Equal("21211", error.ProviderCode);
        Assert.Contains("Invalid 'To' Phone Number", error.ProviderMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("5005550", error.ProviderMessage, StringComparison.Ordinal);
        Assert.Equal(0, registry.Count);
        Assert.Equal(0, directory.Count);
    }

    [Fact]
    public async Task Hang_up_completes_the_call_and_an_ended_call_counts_as_hung_up()
    {
        await using var app = await StartAsync();
        var callSid = fixture.Api.AddCall();
        fixture.Api.Requests.Clear();
        var call = Live(callSid);

        await Control(app).HangUpAsync(call, CancellationToken.None);
        await Control(app).HangUpAsync(call, CancellationToken.None);

        Assert.Equal(2, fixture.Api.Requests.Count);
        Assert.All(fixture.Api.Requests, r =>
        {
            Assert.Equal($"/2010-04-01/Accounts/{FakeTwilioApiFixture.AccountSid}/Calls/{callSid}.json", r.Path);
            Assert.Equal(["completed"], r.Form["Status"]);
        });
        Assert.False(fixture.Api.Calls.ContainsKey(callSid));
    }

    [Theory]
    [InlineData(CallDirection.Inbound, OurNumber)]
    [InlineData(CallDirection.Outbound, CallerNumber)]
    public async Task Transfer_dials_the_destination_showing_our_side_of_the_call_by_default(CallDirection direction, string callerId)
    {
        await using var app = await StartAsync();
        var callSid = fixture.Api.AddCall();
        fixture.Api.Requests.Clear();

        await Control(app).TransferAsync(Live(callSid, direction), "+14155550123", from: null, CancellationToken.None);

        var sent = Assert.Single(fixture.Api.Requests);
        Assert.Equal($"/2010-04-01/Accounts/{FakeTwilioApiFixture.AccountSid}/Calls/{callSid}.json", sent.Path);
        Assert.False(sent.Form.ContainsKey("Status"));
        var dial = Assert.Single(XDocument.Parse(sent.Form["Twiml"][0]).Root!.Elements());
        Assert.Equal("Dial", dial.Name.LocalName);
        Assert.Equal(callerId, dial.Attribute("callerId")!.Value);
        Assert.Equal("+14155550123", Assert.Single(dial.Elements("Number")).Value);
    }

    [Fact]
    public async Task Transfer_to_a_sip_address_dials_it_as_sip_with_the_given_caller_id()
    {
        await using var app = await StartAsync();
        var callSid = fixture.Api.AddCall();
        fixture.Api.Requests.Clear();

        await Control(app).TransferAsync(Live(callSid), "sip:desk@pbx.example.com", "+14155550111", CancellationToken.None);

        var dial = XDocument.Parse(Assert.Single(fixture.Api.Requests).Form["Twiml"][0]).Root!.Element("Dial")!;
        Assert.Equal("+14155550111", dial.Attribute("callerId")!.Value);
        Assert.Equal("sip:desk@pbx.example.com", Assert.Single(dial.Elements("Sip")).Value);
        Assert.Empty(dial.Elements("Number"));
    }

    [Fact]
    public async Task A_transfer_twilio_refuses_is_a_provider_error_and_is_sent_once()
    {
        await using var app = await StartAsync();
        var ended = fixture.Api.AddCall("completed");
        var live = fixture.Api.AddCall();
        fixture.Api.Requests.Clear();

        var refused = await Assert.ThrowsAnyAsync<PhoneProviderException>(
            () => Control(app).TransferAsync(Live(ended), "+14155550123", null, CancellationToken.None));
        fixture.Api.FailNext(1);
        var outage = await Assert.ThrowsAnyAsync<PhoneProviderException>(
            () => Control(app).TransferAsync(Live(live), "+14155550123", null, CancellationToken.None));

        Assert.Equal(("21220", 400), (refused.ProviderCode, refused.ProviderStatus));
        Assert.Equal("Call is not in-progress. Cannot redirect.", refused.ProviderMessage);
        Assert.Equal(("20503", 503), (outage.ProviderCode, outage.ProviderStatus));
        // A redirect sent twice would dial the destination twice: the 503 is not retried.
        Assert.Equal(2, fixture.Api.Requests.Count);
        Assert.Equal("in-progress", fixture.Api.Calls[live]);
    }

    [Fact]
    public async Task A_call_without_a_call_sid_yet_cannot_be_controlled_and_nothing_is_sent()
    {
        await using var app = await StartAsync();
        fixture.Api.Requests.Clear();
        var control = Control(app);
        var call = Live(callSid: null, CallDirection.Outbound);

        var hangUp = await Assert.ThrowsAsync<InvalidOperationException>(() => control.HangUpAsync(call, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => control.TransferAsync(call, "+14155550123", null, CancellationToken.None));

        Assert.Contains("call-1", hangUp.Message, StringComparison.Ordinal);
        Assert.Empty(fixture.Api.Requests);
    }

    [Fact]
    public async Task Dtmf_is_left_to_the_media_path()
    {
        await using var app = await StartAsync();
        var control = Control(app);

        Assert.False(control.SendsDtmf);
        await Assert.ThrowsAsync<NotSupportedException>(() => control.SendDtmfAsync(Live(fixture.Api.AddCall()), "123", 100, CancellationToken.None));
    }

    [Fact]
    public async Task An_unreachable_api_is_a_provider_error_without_a_status()
    {
        await using var app = await TwilioTestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = FakeTwilioApiFixture.AccountSid,
            ["Twilio:AuthToken"] = FakeTwilioApiFixture.AuthToken,
            ["Twilio:ApiBaseUrl"] = "http://127.0.0.1:9",
            ["Twilio:Http:MaxRetryAttempts"] = "0",
        });

        var error = await Assert.ThrowsAnyAsync<PhoneProviderException>(
            () => Control(app).HangUpAsync(Live("CA" + new string('1', 32)), CancellationToken.None));

        Assert.Null(error.ProviderStatus);
        Assert.Null(error.ProviderCode);
        Assert.NotNull(error.ProviderMessage);
    }
}
