using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Integration.Tests.Calls;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Dashboard;

/// <summary>
/// The live call list's server-sent events and a call's timeline, read over HTTP while a simulated Twilio caller
/// talks to the local echo edge.
/// </summary>
public sealed class DashboardEventsTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_list_sends_a_snapshot_then_the_call_added_its_changes_and_its_removal_and_the_timeline_tells_its_life_with_the_number_masked()
    {
        await using var server = await BridgeServer.StartAsync(settings: CallsApi.Settings());
        using var http = server.NewHttpClient();
        using var client = new DashboardClient(server.BaseUrl);
        await client.LoginAndGetCsrfAsync(CallsApi.ApiKey);

        var response = await client.GetAsync("dashboard/events");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var events = new ServerSentEvents(response);
        var snapshot = await events.NextAsync(Generous);
        Assert.Equal("snapshot", snapshot.Event);
        Assert.Empty(snapshot.Data.GetProperty("calls").EnumerateArray());

        await using var pacer = new FramePacer(TimeProvider.System);
        var dialled = Stopwatch.StartNew();
        await using var caller = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, null, CancellationToken.None);
        var added = await events.UntilAsync((e, d) => e == "delta" && d.GetProperty("added").GetArrayLength() == 1, Generous, "the call to be added");
        var row = added.Data.GetProperty("added")[0];
        var callId = row.GetProperty("id").GetString()!;
        Assert.Equal("twilio", row.GetProperty("provider").GetString());
        Assert.Equal("inbound", row.GetProperty("direction").GetString());
        Assert.Equal("echo", row.GetProperty("edge").GetString());
        Assert.Matches(@"^\*\*\*\d{4}$", row.GetProperty("number").GetString());
        Assert.EndsWith(row.GetProperty("number").GetString()![3..], server.Caller.From, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, row.GetProperty("jitterMs").ValueKind);

        // The caller talks: its level rises in a later delta, as a change of that field only (with the id).
        caller.Play(CallerAudio.TestSignal(TimeSpan.FromSeconds(2)), 150, pacer);
        var louder = await events.UntilAsync(
            (e, d) => e == "delta" && d.GetProperty("changed").EnumerateArray().Any(c => c.TryGetProperty("levelFromPhone", out var level) && level.GetInt32() > 20),
            Generous,
            "the caller's level to rise");
        var change = louder.Data.GetProperty("changed").EnumerateArray().First(c => c.TryGetProperty("levelFromPhone", out _));
        Assert.Equal(callId, change.GetProperty("id").GetString());
        Assert.False(change.TryGetProperty("provider", out _), "unchanged fields are not sent again");
        await caller.PlaybackCompleted.WaitAsync(Generous);

        await caller.HangUpAsync(Generous, CancellationToken.None);
        await events.UntilAsync(
            (e, d) => e == "delta" && d.GetProperty("removed").EnumerateArray().Any(id => id.GetString() == callId), Generous, "the call to be removed");

        // The ended call's page still tells its whole life, numbers masked.
        using var page = await client.GetAsync($"dashboard/api/calls/{callId}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var text = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain(server.Caller.From, text, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Caller.To, text, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(text);
        Assert.Equal("ended", body.RootElement.GetProperty("call").GetProperty("state").GetString());
        var kinds = body.RootElement.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal("webhook", kinds[0]);
        Assert.Equal("end", kinds[^1]);
        foreach (var kind in new[] { "media", "edge", "audio" })
        {
            Assert.Contains(kind, kinds);
        }

        Assert.True(kinds.IndexOf("media") < kinds.IndexOf("edge"), string.Join(", ", kinds));
        Assert.True(dialled.Elapsed < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task The_events_take_the_api_key_too_refuse_more_connections_than_configured_and_end_when_the_server_stops()
    {
        await using var server = await BridgeServer.StartAsync(settings: CallsApi.Settings(new Dictionary<string, string?>
        {
            ["PhoneBridge:Dashboard:MaxEventStreams"] = "1",
        }));
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CallsApi.ApiKey);

        var first = await http.GetAsync("dashboard/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await using var events = new ServerSentEvents(first);
        Assert.Equal("snapshot", (await events.NextAsync(Generous)).Event);

        using var second = await http.GetAsync("dashboard/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);

        using var unknown = await http.GetAsync("dashboard/api/calls/CAunknown");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // An open page does not hold up the shutdown (which has calls to hang up): its stream ends at once.
        var stopping = Stopwatch.StartNew();
        server.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await Task.WhenAny(events.Ended, Task.Delay(Generous));
        Assert.True(events.Ended.IsCompleted, "the event stream outlived the stop");
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"{stopping.Elapsed}");
    }
}
