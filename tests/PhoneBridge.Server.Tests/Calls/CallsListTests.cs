using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary><c>GET /calls</c> and <c>GET /calls/{callId}</c>: the API key, the JSON shape, masking and media counters.</summary>
public sealed class CallsListTests
{
    [Theory]
    [InlineData("GET", "/calls")]
    [InlineData("GET", "/calls/some-call")]
    [InlineData("POST", "/calls")]
    [InlineData("POST", "/calls/some-call/hangup")]
    [InlineData("POST", "/calls/some-call/transfer")]
    [InlineData("POST", "/calls/some-call/dtmf")]
    [InlineData("POST", "/calls/some-call/hold")]
    [InlineData("POST", "/calls/some-call/unhold")]
    public async Task Every_endpoint_needs_the_api_key_and_answers_problem_details(string method, string path)
    {
        await using var host = new CallsHost();
        var call = host.Incoming();

        using var none = new HttpRequestMessage(new HttpMethod(method), path.Replace("some-call", call.CallId, StringComparison.Ordinal));
        using var noneClient = host.CreateClientWithoutKey();
        using var wrong = new HttpRequestMessage(new HttpMethod(method), path.Replace("some-call", call.CallId, StringComparison.Ordinal));
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key");

        await ProblemAssert.IsProblem(await noneClient.SendAsync(none), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblem(await host.Client.SendAsync(wrong), HttpStatusCode.Unauthorized);

        // Nothing was done to the call.
        Assert.Empty(host.Provider("twilio").HangUps);
        Assert.False(call.IsHeld);
        Assert.True(host.Directory.TryGet(call.CallId, out _));
    }

    [Fact]
    public async Task A_machine_detection_verdict_shows_as_amd_in_the_list_and_the_call()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();
        host.Directory.ReportAmd(call, new CallAmd("machine", "machine_end_beep"));

        using var list = JsonDocument.Parse(await host.Client.GetStringAsync("/calls"));
        using var one = JsonDocument.Parse(await host.Client.GetStringAsync("/calls/" + call.CallId));

        foreach (var amd in new[] { Assert.Single(list.RootElement.EnumerateArray()).GetProperty("amd"), one.RootElement.GetProperty("amd") })
        {
            Assert.Equal(["providerResult", "result"], amd.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("machine", amd.GetProperty("result").GetString());
            Assert.Equal("machine_end_beep", amd.GetProperty("providerResult").GetString());
        }
    }

    [Fact]
    public async Task Lists_calls_with_masked_numbers()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();
        call.ProviderCallId = "CA-provider-id";

        using var list = JsonDocument.Parse(await host.Client.GetStringAsync("/calls"));
        var item = Assert.Single(list.RootElement.EnumerateArray());
        Assert.Equal(
            ["amd", "callId", "direction", "from", "held", "linkedCallId", "provider", "providerCallId", "startedAt", "state", "streamCallId", "streamCallType", "to", "transfer"],
            item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(call.CallId, item.GetProperty("callId").GetString());
        Assert.Equal("twilio", item.GetProperty("provider").GetString());
        Assert.Equal("inbound", item.GetProperty("direction").GetString());
        Assert.Equal("answered", item.GetProperty("state").GetString());
        Assert.Equal("***4567", item.GetProperty("from").GetString());
        Assert.Equal("***4321", item.GetProperty("to").GetString());
        Assert.Equal(call.Info.RegisteredAt, item.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal("local", item.GetProperty("streamCallType").GetString());
        Assert.Equal(call.CallId, item.GetProperty("streamCallId").GetString());
        Assert.Equal("CA-provider-id", item.GetProperty("providerCallId").GetString());
        Assert.False(item.GetProperty("held").GetBoolean());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("linkedCallId").ValueKind);
        Assert.Equal(JsonValueKind.Null, item.GetProperty("amd").ValueKind);
        Assert.DoesNotContain(CallsHost.Caller, list.RootElement.GetRawText(), StringComparison.Ordinal);

        host.Directory.End(call.CallId, "test over");
        using var empty = JsonDocument.Parse(await host.Client.GetStringAsync("/calls"));
        Assert.Empty(empty.RootElement.EnumerateArray());
    }

    [Fact]
    public async Task Shows_full_numbers_when_configured()
    {
        await using var host = new CallsHost(new Dictionary<string, string?> { ["Stream:ShowFullNumber"] = "true" });
        var call = host.Incoming(answered: false);

        using var list = JsonDocument.Parse(await host.Client.GetStringAsync("/calls"));
        var item = Assert.Single(list.RootElement.EnumerateArray());
        Assert.Equal(CallsHost.Caller, item.GetProperty("from").GetString());
        Assert.Equal(CallsHost.OurNumber, item.GetProperty("to").GetString());
        Assert.Equal("ringing", item.GetProperty("state").GetString());

        using var one = JsonDocument.Parse(await host.Client.GetStringAsync("/calls/" + call.CallId));
        Assert.Equal(CallsHost.Caller, one.RootElement.GetProperty("from").GetString());
    }

    [Fact]
    public async Task One_call_has_its_media_counters_and_unknown_is_404()
    {
        await using var host = new CallsHost();
        var call = host.Incoming();

        using var before = JsonDocument.Parse(await host.Client.GetStringAsync("/calls/" + call.CallId));
        Assert.Equal("***4567", before.RootElement.GetProperty("from").GetString());
        var zeros = before.RootElement.GetProperty("media");
        Assert.All(zeros.EnumerateObject(), p => Assert.Equal(0, p.Value.GetInt64()));

        call.AttachMedia(new FakeCallMedia());
        using var after = JsonDocument.Parse(await host.Client.GetStringAsync("/calls/" + call.CallId));
        var media = after.RootElement.GetProperty("media");
        Assert.Equal(
            ["dtmfTonesPlayed", "framesDropped", "framesFromPhone", "framesHeld", "framesToPhone"],
            media.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(500, media.GetProperty("framesFromPhone").GetInt64());
        Assert.Equal(480, media.GetProperty("framesToPhone").GetInt64());
        Assert.Equal(4, media.GetProperty("dtmfTonesPlayed").GetInt64());

        await ProblemAssert.IsProblem(await host.Client.GetAsync("/calls/no-such-call"), HttpStatusCode.NotFound);
        Assert.NotEmpty(host.Logs.WithEventId(1706));
    }
}
