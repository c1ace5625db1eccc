using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary><c>POST /calls/{callId}/transfer</c>: cold and warm, the <c>phone.transfer</c> events, refusals.</summary>
public sealed class CallsTransferTests
{
    [Fact]
    public async Task Unknown_call_is_404()
    {
        await using var host = new CallsHost();
        using var response = await host.PostAsync("/calls/no-such-call/transfer", new { to = "+15550001111", mode = "cold" });
        await ProblemAssert.IsProblem(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("+15550001111", "lukewarm", null, "mode")]
    [InlineData("+15550001111", null, null, "mode")]
    [InlineData("0015550001111", "cold", null, "to")]
    [InlineData(null, "warm", null, "to")]
    [InlineData("sip:@example.com", "cold", null, "to")]
    [InlineData("+15550001111", "warm", "caller id", "from")]
    [InlineData("+15550001111", "", null, "mode")]
    public async Task Bad_transfers_are_400(string? to, string? mode, string? from, string field)
    {
        await using var host = new CallsHost();
        var call = host.Incoming();

        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to, mode, from });

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, field);
        Assert.Empty(host.Provider("twilio").Transfers);
        Assert.Empty(host.Events.Of<PhoneTransferEvent>(call.CallId));
    }

    [Fact]
    public async Task A_call_not_answered_or_a_leg_cannot_be_transferred()
    {
        await using var host = new CallsHost();
        var ringing = host.Incoming(answered: false);
        var answered = host.Incoming();
        using var warm = await host.PostAsync($"/calls/{answered.CallId}/transfer", new { to = "+15550001111", mode = "warm" });
        var leg = (await warm.Content.ReadFromJsonAsync<CallTransferResponse>())!.LegCallId!;
        host.Directory.MarkAnswered(leg);

        await ProblemAssert.IsProblem(await host.PostAsync($"/calls/{ringing.CallId}/transfer", new { to = "+15550001111", mode = "cold" }), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblem(await host.PostAsync($"/calls/{leg}/transfer", new { to = "+15550002222", mode = "cold" }), HttpStatusCode.Conflict);
        var busy = await ProblemAssert.IsProblem(await host.PostAsync($"/calls/{answered.CallId}/transfer", new { to = "+15550002222", mode = "cold" }), HttpStatusCode.Conflict);
        Assert.Contains("in progress", busy.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(host.Provider("twilio").Transfers);
    }

    [Fact]
    public async Task Cold_transfer_goes_through_the_provider_from_our_own_number()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();

        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "sip:desk@example.com", mode = "cold" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var transfer = Assert.Single(host.Provider("twilio").Transfers);
        Assert.Equal((call.CallId, "sip:desk@example.com", CallsHost.OurNumber), transfer);
        Assert.Equal(
            [new PhoneTransferEvent(call.CallId, "cold", "started"), new PhoneTransferEvent(call.CallId, "cold", "completed")],
            host.Events.Of<PhoneTransferEvent>(call.CallId));
        Assert.Single(host.Logs.WithEventId(1702));

        // The caller has left for the destination: nothing more to transfer.
        await ProblemAssert.IsProblem(await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "cold" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_refused_transfer_is_502_and_the_call_goes_on()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();
        host.Provider("twilio").Failure = new FakeProviderException("twilio", 400, "13223", "Invalid phone number format.");

        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "cold", from = "+15550002222" });

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadGateway);
        Assert.Equal(400, problem.GetProperty("providerStatus").GetInt32());
        Assert.Equal("13223", problem.GetProperty("providerCode").GetString());
        Assert.Equal("Invalid phone number format.", problem.GetProperty("providerMessage").GetString());
        var (_, to, from) = Assert.Single(host.Provider("twilio").Transfers);
        Assert.Equal("+15550001111", to);
        Assert.Equal("+15550002222", from);
        Assert.Equal(
            [new PhoneTransferEvent(call.CallId, "cold", "started"), new PhoneTransferEvent(call.CallId, "cold", "failed", "Invalid phone number format.")],
            host.Events.Of<PhoneTransferEvent>(call.CallId));

        using var list = JsonDocument.Parse(await host.Client.GetStringAsync("/calls"));
        var item = Assert.Single(list.RootElement.EnumerateArray());
        Assert.Equal("answered", item.GetProperty("state").GetString());
        Assert.DoesNotContain(host.Events.Of<PhoneCallEvent>(call.CallId), e => e.State == "ended");

        // A failed transfer can be tried again.
        host.Provider("twilio").Failure = null;
        using var retry = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "cold" });
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
    }

    [Fact]
    public async Task Warm_transfer_dials_into_the_same_stream_call_and_follows_the_leg()
    {
        await using var host = new CallsHost();
        var call = host.Incoming(provider: "telnyx");

        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "warm" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<CallTransferResponse>();
        var dial = Assert.Single(host.Provider("telnyx").Dials);
        Assert.Equal("+15550001111", dial.To);
        Assert.Equal(CallsHost.OurNumber, dial.From);
        Assert.Equal(call.EdgeCall, dial.EdgeCall);
        Assert.Equal(call.CallId, dial.LinkedCallId);
        Assert.Empty(host.Provider("telnyx").Transfers);
        var leg = accepted!.LegCallId!;
        Assert.Equal("ringing", accepted.State);
        Assert.True(host.Directory.TryGet(leg, out var legCall));
        Assert.Equal(call.EdgeCall, legCall.EdgeCall);
        Assert.Equal(call.CallId, legCall.Info.LinkedCallId);

        host.Directory.MarkAnswered(leg);
        using (var during = JsonDocument.Parse(await host.Client.GetStringAsync("/calls/" + call.CallId)))
        {
            var transfer = during.RootElement.GetProperty("transfer");
            Assert.Equal("warm", transfer.GetProperty("mode").GetString());
            Assert.Equal("answered", transfer.GetProperty("state").GetString());
            Assert.Equal(leg, transfer.GetProperty("legCallId").GetString());
        }

        host.Directory.End(leg, "hung up");

        Assert.Equal(
            [
                new PhoneTransferEvent(call.CallId, "warm", "started"),
                new PhoneTransferEvent(call.CallId, "warm", "ringing", LegCallId: leg),
                new PhoneTransferEvent(call.CallId, "warm", "answered", LegCallId: leg),
                new PhoneTransferEvent(call.CallId, "warm", "completed", LegCallId: leg),
            ],
            host.Events.Of<PhoneTransferEvent>(call.CallId));
        Assert.All(host.Events.Published.Where(p => p.Event is PhoneTransferEvent), p => Assert.Equal(call.EdgeCall, p.EdgeCall));
        Assert.True(host.Directory.TryGet(call.CallId, out _));

        // Over: another warm transfer may start.
        using var again = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550002222", mode = "warm" });
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }

    [Fact]
    public async Task Warm_transfer_fails_when_the_leg_ends_unanswered()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();

        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "warm", from = "+15550003333" });
        var leg = (await response.Content.ReadFromJsonAsync<CallTransferResponse>())!.LegCallId!;
        Assert.Equal("+15550003333", Assert.Single(host.Provider("twilio").Dials).From);
        host.Directory.End(leg, "no answer");

        Assert.Equal(
            [
                new PhoneTransferEvent(call.CallId, "warm", "started"),
                new PhoneTransferEvent(call.CallId, "warm", "ringing", LegCallId: leg),
                new PhoneTransferEvent(call.CallId, "warm", "failed", "no answer", leg),
            ],
            host.Events.Of<PhoneTransferEvent>(call.CallId));
    }

    [Fact]
    public async Task A_ringing_leg_is_hung_up_when_its_caller_hangs_up()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();
        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "warm", from = "+15550003333" });
        var leg = (await response.Content.ReadFromJsonAsync<CallTransferResponse>())!.LegCallId!;

        host.Directory.End(call.CallId, "caller hung up");

        Assert.Equal([leg], host.Provider("twilio").HangUps);
        Assert.Equal(0, host.Directory.Count);
        Assert.Equal(
            [
                new PhoneTransferEvent(call.CallId, "warm", "started"),
                new PhoneTransferEvent(call.CallId, "warm", "ringing", LegCallId: leg),
                new PhoneTransferEvent(call.CallId, "warm", "failed", CallControl.CallerGoneReason, leg),
            ],
            host.Events.Of<PhoneTransferEvent>(call.CallId));
    }

    [Fact]
    public async Task A_leg_placed_while_its_caller_hung_up_is_hung_up_once()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();
        host.Provider("twilio").DuringDial = _ => host.Directory.End(call.CallId, "caller hung up");

        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "warm", from = "+15550003333" });
        var leg = (await response.Content.ReadFromJsonAsync<CallTransferResponse>())!.LegCallId!;

        Assert.Equal(0, host.Directory.Count);
        Assert.Equal([leg], host.Provider("twilio").HangUps);
        Assert.Equal(
            [
                new PhoneTransferEvent(call.CallId, "warm", "started"),
                new PhoneTransferEvent(call.CallId, "warm", "failed", CallControl.CallerGoneReason, leg),
            ],
            host.Events.Of<PhoneTransferEvent>(call.CallId));
    }

    [Fact]
    public async Task An_answered_leg_stays_when_its_caller_hangs_up()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();
        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "warm", from = "+15550003333" });
        var leg = (await response.Content.ReadFromJsonAsync<CallTransferResponse>())!.LegCallId!;
        host.Directory.MarkAnswered(leg);

        host.Directory.End(call.CallId, "caller hung up");

        Assert.True(host.Directory.TryGet(leg, out _));
        Assert.Empty(host.Provider("twilio").HangUps);
    }

    [Fact]
    public async Task Warm_transfer_refused_by_the_provider_is_502_and_failed()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();
        host.Provider("twilio").Failure = new FakeProviderException("twilio", 403, "21219", "The number is unverified.");

        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "warm" });

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadGateway);
        Assert.Equal(
            [new PhoneTransferEvent(call.CallId, "warm", "started"), new PhoneTransferEvent(call.CallId, "warm", "failed", "The number is unverified.")],
            host.Events.Of<PhoneTransferEvent>(call.CallId));
        Assert.Equal(1, host.Directory.Count);
    }

    [Fact]
    public async Task A_leg_refused_after_its_registration_fails_with_the_providers_reason_once()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();
        host.Provider("twilio").FailAfterRegistering = new FakeProviderException("twilio", 400, "21215", "Geo permissions do not allow this call.");

        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "warm" });

        await ProblemAssert.IsProblem(response, HttpStatusCode.BadGateway);
        Assert.Equal(
            [new PhoneTransferEvent(call.CallId, "warm", "started"), new PhoneTransferEvent(call.CallId, "warm", "failed", "Geo permissions do not allow this call.")],
            host.Events.Of<PhoneTransferEvent>(call.CallId));
        Assert.Equal(1, host.Directory.Count);
    }

    [Fact]
    public async Task A_leg_answered_before_the_dial_returns_is_not_told_as_ringing_afterwards()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();
        host.Provider("twilio").AnswerDuringDial = true;

        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "warm" });

        var accepted = await response.Content.ReadFromJsonAsync<CallTransferResponse>();
        Assert.Equal("answered", accepted!.State);
        var leg = accepted.LegCallId!;
        host.Directory.End(leg, "hung up");
        Assert.Equal(
            [
                new PhoneTransferEvent(call.CallId, "warm", "started"),
                new PhoneTransferEvent(call.CallId, "warm", "answered", LegCallId: leg),
                new PhoneTransferEvent(call.CallId, "warm", "completed", LegCallId: leg),
            ],
            host.Events.Of<PhoneTransferEvent>(call.CallId));
    }

    [Fact]
    public async Task A_leg_whose_call_has_gone_still_tells_the_edge_call()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();
        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "warm" });
        var leg = (await response.Content.ReadFromJsonAsync<CallTransferResponse>())!.LegCallId!;
        host.Directory.MarkAnswered(leg);

        host.Directory.End(call.CallId, "caller hung up");
        host.Directory.End(leg, "hung up");

        var last = host.Events.Published.Last();
        Assert.Equal(new PhoneTransferEvent(call.CallId, "warm", "completed", LegCallId: leg), last.Event);
        Assert.Equal(call.EdgeCall, last.EdgeCall);
    }

    [Fact]
    public async Task Unconfigured_call_control_is_503()
    {
        await using var host = new CallsHost();
        var call = host.Incoming(provider: "vonage");

        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "cold" });

        await ProblemAssert.IsProblem(response, HttpStatusCode.ServiceUnavailable);
        Assert.Empty(host.Provider("vonage").Transfers);
        Assert.Empty(host.Events.Of<PhoneTransferEvent>(call.CallId));
    }

    [Fact]
    public async Task A_call_without_a_phone_provider_cannot_be_transferred_409()
    {
        await using var host = new CallsHost();
        var call = host.Incoming(provider: "browser");

        using var response = await host.PostAsync($"/calls/{call.CallId}/transfer", new { to = "+15550001111", mode = "cold" });

        await ProblemAssert.IsProblem(response, HttpStatusCode.Conflict);
        Assert.Contains("no phone network", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(host.Events.Of<PhoneTransferEvent>(call.CallId));
    }
}
