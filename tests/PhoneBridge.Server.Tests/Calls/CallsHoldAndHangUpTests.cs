using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary><c>POST /calls/{callId}/hold</c>, <c>/unhold</c> and <c>/hangup</c>.</summary>
public sealed class CallsHoldAndHangUpTests
{
    [Theory]
    [InlineData("hold")]
    [InlineData("unhold")]
    [InlineData("hangup")]
    public async Task Unknown_call_is_404(string action)
    {
        await using var host = new CallsHost();
        await ProblemAssert.IsProblem(await host.PostAsync($"/calls/no-such-call/{action}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await host.PostAsync($"/calls/bad%20id%0A/{action}"), HttpStatusCode.NotFound);
        Assert.DoesNotContain("bad id", host.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hold_and_unhold_tell_the_media_and_the_edge_call_once_each()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();

        // Held before the media is attached: applied when it is.
        using (var hold = await host.PostAsync($"/calls/{call.CallId}/hold"))
        {
            Assert.Equal(HttpStatusCode.Accepted, hold.StatusCode);
        }

        Assert.True(call.IsHeld);
        var media = new FakeCallMedia();
        call.AttachMedia(media);
        Assert.Equal([true], media.HeldChanges);

        using (var again = await host.PostAsync($"/calls/{call.CallId}/hold"))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        }

        using (var listed = JsonDocument.Parse(await host.Client.GetStringAsync("/calls/" + call.CallId)))
        {
            Assert.True(listed.RootElement.GetProperty("held").GetBoolean());
        }

        using (var unhold = await host.PostAsync($"/calls/{call.CallId}/unhold"))
        {
            Assert.Equal(HttpStatusCode.Accepted, unhold.StatusCode);
        }

        Assert.False(call.IsHeld);
        Assert.Equal([true, false], media.HeldChanges);
        Assert.Equal([new PhoneHoldEvent(call.CallId, true), new PhoneHoldEvent(call.CallId, false)], host.Events.Of<PhoneHoldEvent>(call.CallId));
        Assert.Equal(3, host.Logs.WithEventId(1704).Count);
    }

    [Fact]
    public async Task Hang_up_goes_through_the_provider_and_releases_the_call()
    {
        await using var host = new CallsHost();
        var call = host.Incoming(provider: "telnyx");

        using var response = await host.PostAsync($"/calls/{call.CallId}/hangup");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal([call.CallId], host.Provider("telnyx").HangUps);
        Assert.False(host.Directory.TryGet(call.CallId, out _));
        Assert.Equal(CallState.Ended, call.State);
        Assert.Equal(new PhoneCallEvent(call.CallId, "ended", "hung up through the API"), host.Events.Of<PhoneCallEvent>(call.CallId)[^1]);
        Assert.Single(host.Events.Of<PhoneCallEvent>(call.CallId), e => e.State == "ended");
        Assert.Equal(0, host.Services.GetRequiredService<ICallRegistry>().Count);
        Assert.Single(host.Logs.WithEventId(1701));
        await ProblemAssert.IsProblem(await host.PostAsync($"/calls/{call.CallId}/hangup"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_refused_hang_up_is_502_and_the_call_stays_up()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();
        host.Provider("twilio").Failure = new FakeProviderException("twilio", 503, null, "Service unavailable");

        var problem = await ProblemAssert.IsProblem(await host.PostAsync($"/calls/{call.CallId}/hangup"), HttpStatusCode.BadGateway);

        Assert.Equal(503, problem.GetProperty("providerStatus").GetInt32());
        Assert.Equal(JsonValueKind.Null, problem.GetProperty("providerCode").ValueKind);
        using var list = JsonDocument.Parse(await host.Client.GetStringAsync("/calls"));
        Assert.Equal("answered", Assert.Single(list.RootElement.EnumerateArray()).GetProperty("state").GetString());
        Assert.DoesNotContain(host.Events.Of<PhoneCallEvent>(call.CallId), e => e.State == "ended");
        Assert.Single(host.Logs.WithEventId(1705));
    }

    [Fact]
    public async Task An_unreachable_provider_is_502_and_the_call_stays_up()
    {
        await using var host = new CallsHost();
        var call = host.Incoming(provider: "telnyx");
        host.Provider("telnyx").Failure = new HttpRequestException("Connection refused (127.0.0.1:9)");

        var problem = await ProblemAssert.IsProblem(await host.PostAsync($"/calls/{call.CallId}/hangup"), HttpStatusCode.BadGateway);

        Assert.Equal(JsonValueKind.Null, problem.GetProperty("providerStatus").ValueKind);
        Assert.Equal("telnyx", problem.GetProperty("provider").GetString());
        Assert.True(host.Directory.TryGet(call.CallId, out _));
        Assert.Equal(CallState.Answered, call.State);
    }

    [Fact]
    public async Task Without_call_control_hang_up_still_releases_the_call()
    {
        await using var host = new CallsHost();
        var call = host.Incoming(provider: "vonage");

        using var response = await host.PostAsync($"/calls/{call.CallId}/hangup");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(host.Provider("vonage").HangUps);
        Assert.False(host.Directory.TryGet(call.CallId, out _));
    }
}
