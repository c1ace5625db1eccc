using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Testing.Calls;
using PhoneBridge.Twilio.Tests.Infrastructure;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Twilio.Tests.Webhooks;

/// <summary>
/// <c>POST /twilio/status</c>, Twilio's call status callback (https://www.twilio.com/docs/voice/api/call-resource#statuscallback):
/// signed like the voice webhook; a placed call that ends before its media connects is ended with Twilio's status and
/// released, a bridged call's <c>completed</c> is left to the media stream, and a call held by another instance gets
/// the status through the cluster.
/// </summary>
public sealed class TwilioStatusEndpointTests
{
    private const string CallSid = "CA0123456789abcdef0123456789abcdef";
    private const string SignedUrl = "https://abc.ngrok.app/twilio/status";

    private static Dictionary<string, string> Form(string callStatus, string callSid = CallSid) => new()
    {
        ["AccountSid"] = TwilioTestApp.AccountSid,
        ["CallSid"] = callSid,
        ["CallStatus"] = callStatus,
        ["Direction"] = "outbound-api",
        ["Timestamp"] = "Wed, 02 Dec 2026 14:00:00 +0000",
        ["SequenceNumber"] = "2",
        ["From"] = "+14155550100",
        ["To"] = "+14155550199",
    };

    private static HttpRequestMessage SignedPost(Dictionary<string, string> form, string token = TwilioTestApp.AuthToken) =>
        SignedTwilioPost.Create(SignedUrl, "/twilio/status", form, token);

    private static Task<(TwilioTestApp App, RecordingCallEvents Events, LiveCall Call)> StartWithCallAsync(Action<IServiceCollection>? services = null) =>
        CallbackTestApp.StartWithCallAsync("call-status", CallSid, services);

    private static string[] States(RecordingCallEvents events) =>
        events.Published.OfType<PhoneCallEvent>().Select(e => e.State).ToArray();

    [Theory]
    [InlineData("busy")]
    [InlineData("no-answer")]
    [InlineData("failed")]
    [InlineData("canceled")]
    [InlineData("completed")]
    public async Task A_final_status_before_the_media_connected_ends_the_call_with_that_reason_and_releases_it(string status)
    {
        var (app, events, call) = await StartWithCallAsync();
        await using var _ = app;
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedPost(Form(status)));
        using var again = await client.SendAsync(SignedPost(Form(status)));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(CallState.Ended, call.State);
        Assert.False(app.App.Services.GetRequiredService<CallDirectory>().TryGet(call.CallId, out var __));
        Assert.Equal(["call-status"], app.Registry.Released);
        var ended = Assert.Single(events.Published.OfType<PhoneCallEvent>(), e => e.State == "ended");
        Assert.Equal(status, ended.Reason);
        Assert.Single(app.Logs.Entries, e => e.EventId.Name == "CallEndedBeforeMedia");
        Assert.DoesNotContain(app.Logs.Entries, e => e.Message.Contains("+1415555", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("initiated")]
    [InlineData("ringing")]
    [InlineData("in-progress")]
    public async Task Progress_before_the_media_leaves_the_call_ringing(string status)
    {
        var (app, events, call) = await StartWithCallAsync();
        await using var _ = app;
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedPost(Form(status)));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(CallState.Ringing, call.State);
        Assert.Equal(["ringing"], States(events));
        Assert.Empty(app.Registry.Released);
        Assert.Contains(call.Timeline.Snapshot(), e => e.Kind == "status" && e.Detail == "twilio " + status);
    }

    [Theory]
    [InlineData("completed")]
    [InlineData("in-progress")]
    public async Task A_status_of_a_bridged_call_is_noted_and_leaves_the_end_to_the_media_stream(string status)
    {
        var (app, events, call) = await StartWithCallAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        app.App.Services.GetRequiredService<CallDirectory>().MarkAnswered(call.CallId);

        using var response = await client.SendAsync(SignedPost(Form(status)));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(CallState.Answered, call.State);
        Assert.True(app.App.Services.GetRequiredService<CallDirectory>().TryGet(call.CallId, out var __));
        Assert.Equal(["ringing", "answered"], States(events));
        Assert.Empty(app.Registry.Released);
    }

    [Fact]
    public async Task A_bad_signature_is_403_like_the_voice_webhook_and_changes_nothing()
    {
        var (app, events, call) = await StartWithCallAsync();
        await using var _ = app;
        using var client = app.CreateClient();

        using var wrong = await client.SendAsync(SignedPost(Form("busy"), token: "not-the-auth-token"));
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, "/twilio/status") { Content = new FormUrlEncodedContent(Form("busy")) };
        using var missing = await client.SendAsync(unsigned);

        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal(CallState.Ringing, call.State);
        Assert.Equal(["ringing"], States(events));
        Assert.Empty(app.Registry.Released);
    }

    [Fact]
    public async Task An_unknown_call_sid_is_acknowledged_so_twilio_does_not_retry_and_logged_once()
    {
        var (app, events, call) = await StartWithCallAsync();
        await using var _ = app;
        using var client = app.CreateClient();
        const string Other = "CAffffffffffffffffffffffffffffffff";

        using var response = await client.SendAsync(SignedPost(Form("busy", Other)));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(CallState.Ringing, call.State);
        Assert.Empty(app.Registry.Released);
        Assert.Single(app.Logs.Entries, e => e.EventId.Name == "StatusForUnknownCall" && e.Message.Contains(Other, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("answered")]
    public async Task A_callback_without_a_documented_call_status_is_400_with_one_log_line(string? status)
    {
        var (app, _, call) = await StartWithCallAsync();
        await using var __ = app;
        using var client = app.CreateClient();
        var form = Form(status ?? "busy");
        if (status is null)
        {
            form.Remove("CallStatus");
        }

        using var response = await client.SendAsync(SignedPost(form));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(CallState.Ringing, call.State);
        Assert.Single(app.Logs.Entries, e => e.EventId.Name == "StatusCallbackMalformed");
    }

    [Fact]
    public async Task A_status_for_a_call_held_by_another_instance_is_forwarded_and_applied_there()
    {
        // The owner holds the call; the receiving instance does not and hands the command to the owner's executor.
        var (owner, ownerEvents, call) = await StartWithCallAsync();
        await using var _ = owner;
        var router = new ExecutorRouter(owner.App.Services.GetRequiredService<CallCommandExecutor>());
        await using var receiver = await TwilioTestApp.StartAsync(
            new Dictionary<string, string?> { ["PhoneBridge:PublicUrl"] = "https://abc.ngrok.app" },
            s => s.AddSingleton<ICallRouter>(router));
        using var client = receiver.CreateClient();

        using var response = await client.SendAsync(SignedPost(Form("no-answer")));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var command = Assert.Single(router.Sent);
        Assert.Equal((TwilioStatusForwarding.Action, CallSid), (command.Action, command.Key));
        Assert.Equal(CallState.Ended, call.State);
        Assert.Equal(["call-status"], owner.Registry.Released);
        Assert.Empty(receiver.Registry.Released);
        Assert.Equal("no-answer", Assert.Single(ownerEvents.Published.OfType<PhoneCallEvent>(), e => e.State == "ended").Reason);
        Assert.DoesNotContain(receiver.Logs.Entries, e => e.EventId.Name == "StatusForUnknownCall");

        // A call no instance holds: the owner answers 404, so the receiver logs it as unknown and still answers 204.
        using var unknown = await client.SendAsync(SignedPost(Form("busy")));
        Assert.Equal(HttpStatusCode.NoContent, unknown.StatusCode);
        Assert.Single(receiver.Logs.Entries, e => e.EventId.Name == "StatusForUnknownCall");
    }

    private sealed class ExecutorRouter(CallCommandExecutor owner) : ICallRouter
    {
        public System.Collections.Concurrent.ConcurrentQueue<CallCommand> Sent { get; } = new();

        public bool IsClustered => true;

        public Task<CallCommandReply> SendAsync(string instanceId, CallCommand command, CancellationToken cancellationToken) =>
            owner.ExecuteAsync(command, cancellationToken);

        public async Task<IReadOnlyList<CallCommandReply>> SendToOthersAsync(CallCommand command, CancellationToken cancellationToken)
        {
            Sent.Enqueue(command);
            return [await owner.ExecuteAsync(command, cancellationToken)];
        }
    }
}
