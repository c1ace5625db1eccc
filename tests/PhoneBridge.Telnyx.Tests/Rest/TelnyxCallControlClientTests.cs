using System.Net;
using System.Text.Json;
using PhoneBridge.Telnyx.Rest;

namespace PhoneBridge.Telnyx.Tests.Rest;

public sealed class TelnyxCallControlClientTests
{
    private static (TelnyxCallControlClient Client, RecordingHandler Handler, HttpClient Http) Create(string baseUrl = "https://api.example.test/v2")
    {
        var handler = new RecordingHandler();
        var http = new HttpClient(handler);
        TelnyxCallControlClient.Configure(http, baseUrl, "KEY_secret");
        return (new TelnyxCallControlClient(http), handler, http);
    }

    [Theory]
    [InlineData(TelnyxCodec.PCMU)]
    [InlineData(TelnyxCodec.PCMA)]
    [InlineData(TelnyxCodec.L16)]
    public async Task AnswerPostsTheStreamSettingsWithBearerKey(TelnyxCodec codec)
    {
        var (client, handler, http) = Create();
        using var owner = http;
        var stream = new TelnyxStreamSettings(new Uri("wss://bridge.example.test/telnyx/media/c1/t0k"), codec);

        await client.AnswerAsync("v3:abc/def", stream, "answer-1", null, CancellationToken.None);

        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://api.example.test/v2/calls/v3%3Aabc%2Fdef/actions/answer", request.Uri.AbsoluteUri);
        Assert.Equal("Bearer KEY_secret", request.Authorization);
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal("wss://bridge.example.test/telnyx/media/c1/t0k", root.GetProperty("stream_url").GetString());
        Assert.Equal("inbound_track", root.GetProperty("stream_track").GetString());
        Assert.Equal("rtp", root.GetProperty("stream_bidirectional_mode").GetString());
        Assert.Equal(codec.ToString(), root.GetProperty("stream_bidirectional_codec").GetString());
        Assert.Equal(codec.ToString(), root.GetProperty("stream_codec").GetString());
        Assert.Equal("answer-1", root.GetProperty("command_id").GetString());
        Assert.False(root.TryGetProperty("client_state", out _));
        Assert.False(root.TryGetProperty("stream_bidirectional_sampling_rate", out _));
    }

    [Fact]
    public async Task DialSendsConnectionNumbersAndSamplingRateAndReturnsIds()
    {
        var (client, handler, http) = Create("http://127.0.0.1:9/v2/");
        using var owner = http;
        handler.Respond(HttpStatusCode.OK,
            """{"data":{"call_control_id":"v3:new","call_leg_id":"leg","call_session_id":"sess","is_alive":false,"record_type":"call"}}""");
        var stream = new TelnyxStreamSettings(new Uri("wss://bridge.example.test/telnyx/media/c2/tok"), TelnyxCodec.L16);

        var result = await client.DialAsync(
            new TelnyxDialCommand("conn-1", "+15559870000", "+15551230000", stream, "dial-1", TimeoutSeconds: 30),
            CancellationToken.None);

        Assert.Equal(new TelnyxDialResult("v3:new", "leg", "sess"), result);
        var request = Assert.Single(handler.Requests);
        Assert.Equal("http://127.0.0.1:9/v2/calls", request.Uri.AbsoluteUri);
        using var json = JsonDocument.Parse(request.Body);
        var root = json.RootElement;
        Assert.Equal("conn-1", root.GetProperty("connection_id").GetString());
        Assert.Equal("+15559870000", root.GetProperty("to").GetString());
        Assert.Equal("+15551230000", root.GetProperty("from").GetString());
        Assert.Equal("L16", root.GetProperty("stream_bidirectional_codec").GetString());
        Assert.Equal(16000, root.GetProperty("stream_bidirectional_sampling_rate").GetInt32());
        Assert.Equal(30, root.GetProperty("timeout_secs").GetInt32());
        Assert.Equal("dial-1", root.GetProperty("command_id").GetString());
    }

    [Fact]
    public async Task DialErrorsBecomeTypedExceptions()
    {
        var (client, handler, http) = Create();
        using var owner = http;
        handler.Respond(HttpStatusCode.UnprocessableEntity,
            """{"errors":[{"code":"10015","title":"Invalid value for to","detail":"The 'to' number +1555 is invalid"},{"code":10016,"title":"Second"}]}""");
        var stream = new TelnyxStreamSettings(new Uri("wss://h/telnyx/media/c/t"), TelnyxCodec.PCMU);

        var e = await Assert.ThrowsAsync<TelnyxApiException>(() =>
            client.DialAsync(new TelnyxDialCommand("c", "+1555", "+1666", stream, "d"), CancellationToken.None));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.StatusCode);
        Assert.Equal("dial", e.Operation);
        Assert.Equal(2, e.Errors.Count);
        Assert.Equal(new TelnyxApiError("10015", "Invalid value for to", "The 'to' number +1555 is invalid"), e.Errors[0]);
        Assert.Equal("10016", e.Errors[1].Code);
        Assert.False(e.IsTransient);
        Assert.DoesNotContain("+1555", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HangupOfAnEndedCallIsNotAnError()
    {
        var (client, handler, http) = Create();
        using var owner = http;
        handler.Respond(HttpStatusCode.UnprocessableEntity, """{"errors":[{"code":"90018","title":"Call has already ended"}]}""");

        Assert.False(await client.HangUpAsync("v3:gone", "h-1", CancellationToken.None));
        Assert.True(await client.HangUpAsync("v3:live", "h-2", CancellationToken.None));

        Assert.Equal("https://api.example.test/v2/calls/v3%3Alive/actions/hangup", handler.Requests[1].Uri.AbsoluteUri);
        Assert.Equal("""{"command_id":"h-2"}""", handler.Requests[1].Body);
    }

    [Fact]
    public async Task RejectPostsTheCauseAndCommandIdAndAnEndedCallIsNotAnError()
    {
        var (client, handler, http) = Create();
        using var owner = http;
        handler.Respond(HttpStatusCode.UnprocessableEntity, """{"errors":[{"code":"90018","title":"Call has already ended"}]}""");

        Assert.False(await client.RejectAsync("v3:gone", TelnyxCallControlClient.RejectCauseUserBusy, "r-1", CancellationToken.None));
        Assert.True(await client.RejectAsync("v3:busy", TelnyxCallControlClient.RejectCauseUserBusy, "r-2", CancellationToken.None));

        // https://developers.telnyx.com/api/call-control/reject-call: cause (CALL_REJECTED or USER_BUSY), command_id.
        Assert.Equal(HttpMethod.Post, handler.Requests[1].Method);
        Assert.Equal("https://api.example.test/v2/calls/v3%3Abusy/actions/reject", handler.Requests[1].Uri.AbsoluteUri);
        Assert.Equal("""{"cause":"USER_BUSY","command_id":"r-2"}""", handler.Requests[1].Body);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "<html>bad gateway</html>", true)]
    [InlineData(HttpStatusCode.TooManyRequests, "{}", true)]
    [InlineData(HttpStatusCode.Unauthorized, """{"errors":[{"code":"10009","title":"Authentication failed"}]}""", false)]
    [InlineData(HttpStatusCode.UnprocessableEntity, """{"errors":[{"code":"90018","title":"Call has already ended"}]}""", false)]
    public async Task AnswerFailuresAreClassified(HttpStatusCode status, string body, bool transient)
    {
        var (client, handler, http) = Create();
        using var owner = http;
        handler.Respond(status, body);
        var stream = new TelnyxStreamSettings(new Uri("wss://h/telnyx/media/c/t"), TelnyxCodec.PCMU);

        var e = await Assert.ThrowsAsync<TelnyxApiException>(() =>
            client.AnswerAsync("v3:x", stream, "a", null, CancellationToken.None));

        Assert.Equal(status, e.StatusCode);
        Assert.Equal(transient, e.IsTransient);
    }
}
