using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;
using PhoneBridge.Telnyx.Calls;
using PhoneBridge.Telnyx.Tests.Hosting;
using PhoneBridge.Telnyx.Tests.Rest;

namespace PhoneBridge.Telnyx.Tests.Calls;

/// <summary>
/// <see cref="TelnyxCallControl"/> against the Call Control fake, which checks each command as Telnyx documents it
/// (<see cref="CallControlDocs"/>: dial-call, hangup-call, transfer-call, send-dtmf).
/// </summary>
public sealed class TelnyxCallControlTests
{
    private const string OurNumber = "+15551230000";
    private const string CallerNumber = "+15559870000";
    private static readonly Uri PublicBase = new("https://bridge.example.test");

    // The real clock, so the client's retries wait their 10 ms instead of for a fake clock nobody advances.
    private static Task<TelnyxTestHost> StartAsync(Action<Dictionary<string, string?>>? configure = null) =>
        TelnyxTestHost.StartAsync(
            s =>
            {
                s["Telnyx:Http:RetryDelay"] = "00:00:00.010";
                configure?.Invoke(s);
            },
            services: s => s.AddSingleton(TimeProvider.System));

    private static TelnyxCallControl Control(TelnyxTestHost host) =>
        Assert.IsType<TelnyxCallControl>(
            Assert.Single(host.App.Services.GetServices<IPhoneCallControl>(), c => c.Provider == "telnyx"));

    private static LiveCall Live(string? callControlId, CallDirection direction = CallDirection.Inbound) =>
        new(new CallInfo("call-1", "telnyx", callControlId, CallerNumber, OurNumber, DateTimeOffset.UnixEpoch, direction));

    private static JsonElement Body(RecordedRequest request)
    {
        using var json = JsonDocument.Parse(request.Body);
        return json.RootElement.Clone();
    }

    private static string[] Fields(JsonElement body) => body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task IsRegisteredOnceAsASingletonAndAsACallControl()
    {
        await using var host = await StartAsync();

        var control = Control(host);

        Assert.Same(control, host.App.Services.GetRequiredService<TelnyxCallControl>());
        Assert.Same(control, Control(host));
        Assert.True(control.IsConfigured);
        Assert.True(control.SendsDtmf);
    }

    [Fact]
    public async Task WithoutAConnectionIdItIsNotConfigured()
    {
        await using var host = await StartAsync(s => s["Telnyx:ConnectionId"] = null);

        Assert.False(Control(host).IsConfigured);
    }

    [Fact]
    public async Task DialIntoAnEdgeCallRegistersAnOutboundLegWithTimeoutAndMachineDetection()
    {
        await using var host = await StartAsync();
        host.Api.Respond(HttpStatusCode.OK, """{"data":{"call_control_id":"v3:leg","call_leg_id":"l","call_session_id":"s"}}""");
        var edgeCall = new EdgeCallAddress("default", "agent-call-7");

        var placed = await Control(host).DialAsync(
            new PhoneDialRequest(CallerNumber, OurNumber, PublicBase, edgeCall, MachineDetection: true, TimeoutSeconds: 25, LinkedCallId: "call-0"),
            CancellationToken.None);

        Assert.Equal("v3:leg", placed.ProviderCallId);
        var dial = Assert.Single(host.Api.Requests);
        Assert.Equal("https://api.telnyx.test/v2/calls", dial.Uri.AbsoluteUri);
        var body = Body(dial);
        Assert.Equal("connection-1", body.GetProperty("connection_id").GetString());
        Assert.Equal(CallerNumber, body.GetProperty("to").GetString());
        Assert.Equal(OurNumber, body.GetProperty("from").GetString());
        Assert.Equal(25, body.GetProperty("timeout_secs").GetInt32());
        Assert.Equal("detect", body.GetProperty("answering_machine_detection").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("command_id").GetString()));
        Assert.StartsWith($"wss://bridge.example.test/telnyx/media/{placed.CallId}/", body.GetProperty("stream_url").GetString(), StringComparison.Ordinal);

        var directory = host.App.Services.GetRequiredService<CallDirectory>();
        Assert.True(directory.TryGet(placed.CallId, out var live));
        Assert.Equal("v3:leg", live.ProviderCallId);
        Assert.Equal(CallDirection.Outbound, live.Direction);
        Assert.Equal(edgeCall, live.EdgeCall);
        Assert.Equal("call-0", live.Info.LinkedCallId);
        Assert.True(host.Tracker.TryGet("v3:leg", out var tracked));
        Assert.Equal(placed.CallId, tracked.CallId);
    }

    [Theory]
    [InlineData("premium", "premium")]
    [InlineData("Premium", "premium")]
    [InlineData("detect", "detect")]
    [InlineData(null, "detect")]
    public async Task TelnyxMachineDetectionChoosesTheDetectionTheDialAsksFor(string? configured, string sent)
    {
        await using var host = await StartAsync(s => s["Telnyx:MachineDetection"] = configured);
        host.Api.Respond(HttpStatusCode.OK, """{"data":{"call_control_id":"v3:amd"}}""");

        await Control(host).DialAsync(new PhoneDialRequest(CallerNumber, OurNumber, PublicBase, MachineDetection: true), CancellationToken.None);

        Assert.Equal(sent, Body(Assert.Single(host.Api.Requests)).GetProperty("answering_machine_detection").GetString());
    }

    [Fact]
    public async Task PremiumConfiguredLeavesAPlainDialWithoutDetection()
    {
        await using var host = await StartAsync(s => s["Telnyx:MachineDetection"] = "premium");
        host.Api.Respond(HttpStatusCode.OK, """{"data":{"call_control_id":"v3:plain"}}""");

        await Control(host).DialAsync(new PhoneDialRequest(CallerNumber, OurNumber, PublicBase), CancellationToken.None);

        Assert.False(Body(Assert.Single(host.Api.Requests)).TryGetProperty("answering_machine_detection", out _));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(2, 5)]
    [InlineData(900, 600)]
    public async Task ThePlainDialLeavesDetectionOutAndTheRingTimeIsKeptInTheDocumentedRange(int? asked, int? sent)
    {
        await using var host = await StartAsync();
        host.Api.Respond(HttpStatusCode.OK, """{"data":{"call_control_id":"v3:plain"}}""");

        await Control(host).DialAsync(new PhoneDialRequest(CallerNumber, OurNumber, PublicBase, TimeoutSeconds: asked), CancellationToken.None);

        var body = Body(Assert.Single(host.Api.Requests));
        Assert.False(body.TryGetProperty("answering_machine_detection", out _));
        Assert.Equal(sent, body.TryGetProperty("timeout_secs", out var timeout) ? timeout.GetInt32() : null);
    }

    [Fact]
    public async Task ARefusedDialIsAProviderErrorWithTelnyxsCodeAndNoNumberAndLeavesNoRegistration()
    {
        await using var host = await StartAsync();
        host.Api.Respond(HttpStatusCode.UnprocessableEntity,
            """{"errors":[{"code":"10016","title":"Invalid 'to' +15559870000","detail":"The number +15559870000 is not reachable"}]}""");

        var error = await Assert.ThrowsAnyAsync<PhoneProviderException>(() => Control(host).DialAsync(
            new PhoneDialRequest(CallerNumber, OurNumber, PublicBase), CancellationToken.None));

        Assert.Equal("telnyx", error.Provider);
        Assert.Equal(422, error.ProviderStatus);
        Assert.Equal("10016", error.ProviderCode);
        Assert.StartsWith("Invalid 'to' ***0000", error.ProviderMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("5559870000", error.ProviderMessage, StringComparison.Ordinal);
        Assert.Equal(0, host.Registry.Count);
        Assert.Equal(0, host.App.Services.GetRequiredService<CallDirectory>().Count);
    }

    [Fact]
    public async Task HangUpSendsACommandIdAndAnEndedCallCountsAsHungUp()
    {
        await using var host = await StartAsync();
        host.Api.Respond(HttpStatusCode.OK, """{"data":{"result":"ok"}}""")
            .Respond(HttpStatusCode.UnprocessableEntity, """{"errors":[{"code":"90018","title":"Call has already ended"}]}""");
        var call = Live("v3:live");

        await Control(host).HangUpAsync(call, CancellationToken.None);
        await Control(host).HangUpAsync(call, CancellationToken.None);

        Assert.Equal(2, host.Api.Requests.Count);
        Assert.All(host.Api.Requests, r =>
        {
            Assert.Equal("https://api.telnyx.test/v2/calls/v3%3Alive/actions/hangup", r.Uri.AbsoluteUri);
            Assert.Equal(["command_id"], Fields(Body(r)));
        });
        Assert.NotEqual(Body(host.Api.Requests[0]).GetProperty("command_id").GetString(), Body(host.Api.Requests[1]).GetProperty("command_id").GetString());
    }

    [Theory]
    [InlineData(CallDirection.Inbound, OurNumber)]
    [InlineData(CallDirection.Outbound, CallerNumber)]
    public async Task TransferShowsOurSideOfTheCallByDefault(CallDirection direction, string from)
    {
        await using var host = await StartAsync();

        await Control(host).TransferAsync(Live("v3:abc", direction), "+15550001111", from: null, CancellationToken.None);

        var sent = Assert.Single(host.Api.Requests);
        Assert.Equal("https://api.telnyx.test/v2/calls/v3%3Aabc/actions/transfer", sent.Uri.AbsoluteUri);
        var body = Body(sent);
        Assert.Equal(["command_id", "from", "to"], Fields(body));
        Assert.Equal("+15550001111", body.GetProperty("to").GetString());
        Assert.Equal(from, body.GetProperty("from").GetString());
    }

    [Fact]
    public async Task ATransferRetriedAfterAnOutageKeepsItsCommandIdAndTheNextTransferHasItsOwn()
    {
        await using var host = await StartAsync();
        host.Api.Respond(HttpStatusCode.ServiceUnavailable, """{"errors":[{"code":"10007","title":"Unexpected error"}]}""");
        var control = Control(host);

        await control.TransferAsync(Live("v3:abc"), "sip:desk@pbx.example.com", "+15550002222", CancellationToken.None);
        await control.TransferAsync(Live("v3:abc"), "sip:desk@pbx.example.com", "+15550002222", CancellationToken.None);

        var ids = host.Api.Requests.Select(r => Body(r).GetProperty("command_id").GetString()).ToArray();
        Assert.Equal(3, ids.Length);
        Assert.Equal(ids[0], ids[1]);
        Assert.NotEqual(ids[1], ids[2]);
        Assert.All(host.Api.Requests, r =>
        {
            Assert.Equal("sip:desk@pbx.example.com", Body(r).GetProperty("to").GetString());
            Assert.Equal("+15550002222", Body(r).GetProperty("from").GetString());
        });
    }

    [Fact]
    public async Task ATransferTelnyxRefusesIsAProviderErrorWithItsCode()
    {
        await using var host = await StartAsync();
        host.Api.Respond(HttpStatusCode.UnprocessableEntity, """{"errors":[{"code":"90018","title":"Call has already ended"}]}""");

        var error = await Assert.ThrowsAnyAsync<PhoneProviderException>(
            () => Control(host).TransferAsync(Live("v3:gone"), "+15550001111", null, CancellationToken.None));

        Assert.Equal(("telnyx", 422, "90018", "Call has already ended"), (error.Provider, error.ProviderStatus, error.ProviderCode, error.ProviderMessage));
        Assert.Single(host.Api.Requests);
    }

    [Theory]
    [InlineData(100, 100)]
    [InlineData(250, 250)]
    [InlineData(40, 100)]
    [InlineData(1000, 500)]
    public async Task SendDtmfPlaysTheDigitsForADurationInTheDocumentedRange(int toneMs, int durationMillis)
    {
        await using var host = await StartAsync();

        await Control(host).SendDtmfAsync(Live("v3:abc"), "159#*AD", toneMs, CancellationToken.None);

        var sent = Assert.Single(host.Api.Requests);
        Assert.Equal("https://api.telnyx.test/v2/calls/v3%3Aabc/actions/send_dtmf", sent.Uri.AbsoluteUri);
        var body = Body(sent);
        Assert.Equal(["command_id", "digits", "duration_millis"], Fields(body));
        Assert.Equal("159#*AD", body.GetProperty("digits").GetString());
        Assert.Equal(durationMillis, body.GetProperty("duration_millis").GetInt32());
    }

    [Fact]
    public async Task SendDtmfRetriedAfterAnOutageKeepsItsCommandId()
    {
        await using var host = await StartAsync();
        host.Api.Respond(HttpStatusCode.BadGateway, "<html>bad gateway</html>");

        await Control(host).SendDtmfAsync(Live("v3:abc"), "1", 100, CancellationToken.None);

        Assert.Equal(2, host.Api.Requests.Count);
        Assert.Equal(host.Api.Requests[0].Body, host.Api.Requests[1].Body);
    }

    [Fact]
    public async Task AnOutageThatOutlastsTheRetriesIsAProviderErrorWithTelnyxsStatusAndCode()
    {
        await using var host = await StartAsync(s => s["Telnyx:Http:MaxRetryAttempts"] = "1");
        for (var i = 0; i < 2; i++)
        {
            host.Api.Respond(HttpStatusCode.InternalServerError, """{"errors":[{"code":"10007","title":"Unexpected error"}]}""");
        }

        var error = await Assert.ThrowsAnyAsync<PhoneProviderException>(
            () => Control(host).SendDtmfAsync(Live("v3:abc"), "1", 100, CancellationToken.None));

        Assert.Equal((500, "10007", "Unexpected error"), (error.ProviderStatus, error.ProviderCode, error.ProviderMessage));
        Assert.Equal(2, host.Api.Requests.Count);
    }

    [Fact]
    public async Task DigitsTelnyxDoesNotDocumentAreRefusedBeforeAnyRequest()
    {
        await using var host = await StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => Control(host).SendDtmfAsync(Live("v3:abc"), "12E", 100, CancellationToken.None));

        Assert.Empty(host.Api.Requests);
    }

    [Fact]
    public async Task ACallWithoutACallControlIdYetCannotBeControlledAndNothingIsSent()
    {
        await using var host = await StartAsync();
        var control = Control(host);
        var call = Live(callControlId: null, CallDirection.Outbound);

        var hangUp = await Assert.ThrowsAsync<InvalidOperationException>(() => control.HangUpAsync(call, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => control.TransferAsync(call, "+15550001111", null, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => control.SendDtmfAsync(call, "1", 100, CancellationToken.None));

        Assert.Contains("call-1", hangUp.Message, StringComparison.Ordinal);
        Assert.Empty(host.Api.Requests);
    }

    [Fact]
    public async Task TheFakeRefusesACommandTelnyxDoesNotDocument()
    {
        // The fake's own check, so the assertions above can trust it: a misspelt field is a 422 like Telnyx's.
        await using var host = await StartAsync();
        var http = host.App.Services.GetRequiredService<IHttpClientFactory>().CreateClient(typeof(PhoneBridge.Telnyx.Rest.TelnyxCallControlClient).Name);

        using var response = await http.PostAsync(
            new Uri("https://api.telnyx.test/v2/calls/v3%3Aabc/actions/send_dtmf"),
            new StringContent("""{"digits":"1","duration_ms":100}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(RecordingHandler.InvalidRequestCode, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
