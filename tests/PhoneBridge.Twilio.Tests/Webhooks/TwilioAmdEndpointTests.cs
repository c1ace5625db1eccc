using System.Net;
using PhoneBridge.Core.Calls;
using PhoneBridge.Testing.Calls;
using PhoneBridge.Twilio.Tests.Infrastructure;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Twilio.Tests.Webhooks;

/// <summary>
/// <c>POST /twilio/amd</c>, Twilio's asynchronous AMD status callback
/// (https://www.twilio.com/docs/voice/answering-machine-detection): signed like the voice webhook, the verdict lands
/// on the call and in a <c>phone.amd</c> event.
/// </summary>
public sealed class TwilioAmdEndpointTests
{
    private const string CallSid = "CA0123456789abcdef0123456789abcdef";
    private const string SignedUrl = "https://abc.ngrok.app/twilio/amd";

    private static Dictionary<string, string> Form(string answeredBy, string callSid = CallSid) => new()
    {
        ["AccountSid"] = TwilioTestApp.AccountSid,
        ["CallSid"] = callSid,
        ["AnsweredBy"] = answeredBy,
        ["MachineDetectionDuration"] = "4211",
    };

    private static HttpRequestMessage SignedPost(Dictionary<string, string> form, string token = TwilioTestApp.AuthToken) =>
        SignedTwilioPost.Create(SignedUrl, "/twilio/amd", form, token);

    private static Task<(TwilioTestApp App, RecordingCallEvents Events, LiveCall Call)> StartWithCallAsync() =>
        CallbackTestApp.StartWithCallAsync("call-amd", CallSid);

    [Theory]
    [InlineData("human", "human")]
    [InlineData("machine_start", "machine")]
    [InlineData("machine_end_beep", "machine")]
    [InlineData("machine_end_silence", "machine")]
    [InlineData("machine_end_other", "machine")]
    [InlineData("fax", "fax")]
    [InlineData("unknown", "unknown")]
    [InlineData("something_new", "unknown")]
    public async Task A_signed_verdict_is_kept_on_the_call_and_published_once(string answeredBy, string result)
    {
        var (app, events, call) = await StartWithCallAsync();
        await using var _ = app;
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedPost(Form(answeredBy)));
        using var again = await client.SendAsync(SignedPost(Form(answeredBy)));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(new CallAmd(result, answeredBy), call.Amd);
        var published = Assert.Single(events.Published.OfType<PhoneAmdEvent>());
        Assert.Equal(new PhoneAmdEvent("call-amd", result, answeredBy), published);
        Assert.Equal("phone.amd", published.Type);
        Assert.Equal(result, CallResponse.Of(call, showFullNumber: false, withMedia: false).Amd!.Result);
    }

    [Fact]
    public async Task A_bad_signature_is_403_like_the_voice_webhook_and_changes_nothing()
    {
        var (app, events, call) = await StartWithCallAsync();
        await using var _ = app;
        using var client = app.CreateClient();

        using var wrong = await client.SendAsync(SignedPost(Form("machine_end_beep"), token: "not-the-auth-token"));
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, "/twilio/amd") { Content = new FormUrlEncodedContent(Form("human")) };
        using var missing = await client.SendAsync(unsigned);

        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Null(call.Amd);
        Assert.Empty(events.Published.OfType<PhoneAmdEvent>());
    }

    [Fact]
    public async Task An_unknown_call_sid_is_acknowledged_so_twilio_does_not_retry_and_logged_once()
    {
        var (app, events, call) = await StartWithCallAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        const string Other = "CAffffffffffffffffffffffffffffffff";

        using var response = await client.SendAsync(SignedPost(Form("machine_end_beep", Other)));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(call.Amd);
        Assert.Empty(events.Published.OfType<PhoneAmdEvent>());
        Assert.Single(app.Logs.Entries, e => e.EventId.Name == "AmdForUnknownCall" && e.Message.Contains(Other, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_callback_without_answered_by_is_400_with_one_log_line()
    {
        var (app, events, call) = await StartWithCallAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        var form = Form("human");
        form.Remove("AnsweredBy");

        using var response = await client.SendAsync(SignedPost(form));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(call.Amd);
        Assert.Single(app.Logs.Entries, e => e.EventId.Name == "AmdCallbackMalformed");
    }
}
