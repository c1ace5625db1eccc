using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Simulator;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Telnyx.Calls;
using PhoneBridge.Testing.Calls;
using PhoneBridge.Testing.Logging;

namespace PhoneBridge.Telnyx.Tests.EndToEnd;

/// <summary>
/// Answering-machine detection of a dialled Telnyx call over loopback: the dial asks for the configured detection,
/// the simulated callee answers as a person or a machine and sends the signed webhooks Telnyx documents for that
/// setting, and the verdict ends on the call and as <c>phone.amd</c> events.
/// </summary>
public sealed class TelnyxAmdEndToEndTests
{
    private static readonly TimeSpan Greeting = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(null, AnswerAs.Machine, "detect", new[] { "machine/machine" })]
    [InlineData(null, AnswerAs.Human, "detect", new[] { "human/human" })]
    [InlineData("premium", AnswerAs.Machine, "premium", new[] { "machine/machine", "machine/beep_detected" })]
    [InlineData("premium", AnswerAs.Human, "premium", new[] { "human/human_residence" })]
    public async Task TheVerdictReachesTheCallAndItsEdgeCall(string? configured, AnswerAs answerAs, string detection, string[] expected)
    {
        var events = new RecordingCallEvents();
        await using var host = await TelnyxBridgeHost.StartAsync(
            "PCMU",
            settings: new Dictionary<string, string?> { ["Telnyx:MachineDetection"] = configured },
            services: s => s.AddSingleton<ICallEventPublisher>(events));
        var control = host.App.Services.GetServices<IPhoneCallControl>().Single(c => c.Provider == "telnyx");
        var directory = host.App.Services.GetRequiredService<CallDirectory>();

        var placed = await control.DialAsync(
            new PhoneDialRequest("+15559870000", "+15551230000", host.Server, MachineDetection: true), CancellationToken.None);
        var dial = host.Api.Accepted.Single(c => c.Action == "dial");
        Assert.Equal(detection, dial.String("answering_machine_detection"));

        await using var pacer = new FramePacer(TimeProvider.System);
        await using var call = await host.Phone.AnswerDialAsync(dial, answerAs, pacer, Greeting);

        Assert.True(directory.TryGet(placed.CallId, out var live));
        var last = expected[^1].Split('/');
        Assert.Equal(new CallAmd(last[0], last[1]), live.Amd);
        Assert.Equal(
            expected,
            events.Published.OfType<PhoneAmdEvent>().Where(e => e.CallId == placed.CallId).Select(e => e.Result + "/" + e.ProviderResult).ToArray());
        var shown = CallResponse.Of(live, showFullNumber: false, withMedia: false).Amd;
        Assert.Equal((last[0], last[1]), (shown!.Result, shown.ProviderResult));
        await host.Phone.HangUpAsync(call, CancellationToken.None);
    }

    [Fact]
    public async Task GreetingEndedAfterDetectBeepIsAMachineAndARedeliveryIsPublishedOnce()
    {
        var events = new RecordingCallEvents();
        await using var host = await TelnyxBridgeHost.StartAsync("PCMU", services: s => s.AddSingleton<ICallEventPublisher>(events));
        var control = host.App.Services.GetServices<IPhoneCallControl>().Single(c => c.Provider == "telnyx");
        var placed = await control.DialAsync(
            new PhoneDialRequest("+15559870000", "+15551230000", host.Server, MachineDetection: true), CancellationToken.None);

        var body = TelnyxWebhookBodies.MachineDetection(
            "call.machine.greeting.ended", "ev-greeting", placed.ProviderCallId, "beep_detected", DateTimeOffset.UtcNow);
        await host.Phone.PostWebhookAsync(body, CancellationToken.None);
        await host.Phone.PostWebhookAsync(body, CancellationToken.None);
        var fresh = TelnyxWebhookBodies.MachineDetection(
            "call.machine.greeting.ended", "ev-greeting-2", placed.ProviderCallId, "beep_detected", DateTimeOffset.UtcNow);
        await host.Phone.PostWebhookAsync(fresh, CancellationToken.None);

        var published = Assert.Single(events.Published.OfType<PhoneAmdEvent>());
        Assert.Equal(new PhoneAmdEvent(placed.CallId, "machine", "beep_detected"), published);
    }

    [Fact]
    public async Task ADetectionForAnUnknownCallIsAcknowledgedAndLoggedOnce()
    {
        var events = new RecordingCallEvents();
        var logs = new ListLoggerProvider();
        await using var host = await TelnyxBridgeHost.StartAsync("PCMU", logs: logs, services: s => s.AddSingleton<ICallEventPublisher>(events));
        var body = TelnyxWebhookBodies.MachineDetection(
            "call.machine.detection.ended", "ev-unknown", "v3:nobody", "machine", DateTimeOffset.UtcNow);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/telnyx/events")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        host.Signer.AddHeaders(request, body, DateTimeOffset.UtcNow);
        using var response = await host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(events.Published.OfType<PhoneAmdEvent>());
        Assert.Single(logs.Entries, e => e.EventId.Name == "MachineDetectionForUnknownCall" && e.Message.Contains("v3:nobody", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("call.machine.detection.ended", "human", "human")]
    [InlineData("call.machine.detection.ended", "machine", "machine")]
    [InlineData("call.machine.detection.ended", "not_sure", "unknown")]
    [InlineData("call.machine.premium.detection.ended", "human_residence", "human")]
    [InlineData("call.machine.premium.detection.ended", "human_business", "human")]
    [InlineData("call.machine.premium.detection.ended", "machine", "machine")]
    [InlineData("call.machine.premium.detection.ended", "silence", "unknown")]
    [InlineData("call.machine.premium.detection.ended", "fax_detected", "fax")]
    [InlineData("call.machine.premium.detection.ended", "not_sure", "unknown")]
    [InlineData("call.machine.greeting.ended", "beep_detected", "machine")]
    [InlineData("call.machine.greeting.ended", "ended", "machine")]
    [InlineData("call.machine.greeting.ended", "not_sure", "machine")]
    [InlineData("call.machine.premium.greeting.ended", "beep_detected", "machine")]
    [InlineData("call.machine.premium.greeting.ended", "no_beep_detected", "machine")]
    public void TelnyxResultsMapToTheBridgesWords(string eventType, string result, string expected) =>
        Assert.Equal(expected, PhoneBridge.Telnyx.Webhooks.TelnyxEventProcessor.MapMachineDetection(eventType, result));

}
