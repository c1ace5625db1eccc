using System.Diagnostics;
using Microsoft.Playwright;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Integration.Tests.Calls;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;
using PhoneBridge.Testing.Browser;
using PhoneBridge.Testing.TwilioRest;
using Xunit.Abstractions;

namespace PhoneBridge.Integration.Tests.Dashboard;

/// <summary>
/// The dashboard in headless Chromium against the real server (local echo edge) with simulated Twilio callers: the
/// login, the live list following calls as they come and go, and a call's page ending its call. With
/// <c>PHONEBRIDGE_DASHBOARD_SCREENSHOTS</c> set to a directory (docs/), the list and a call's page are saved there.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    /// <summary>The promise: a row within a second of its webhook, gone within a second of its end.</summary>
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    /// <summary>What a heavily loaded 2-core machine may add (the list updates every 250 ms; a broken one never does, or every few seconds).</summary>
    private static readonly TimeSpan LoadTolerance = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Without_login_the_dashboard_sends_the_browser_to_the_login_where_a_wrong_key_is_refused_and_the_right_one_opens_the_list()
    {
        await using var server = await BridgeServer.StartAsync(settings: CallsApi.Settings());
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var context = await chromium.Browser.NewContextAsync();
        context.SetDefaultTimeout((float)Generous.TotalMilliseconds * 2);
        var page = await context.NewPageAsync();

        await page.GotoAsync(Url(server, "dashboard"));
        Assert.EndsWith("/dashboard/login", page.Url, StringComparison.Ordinal);
        Assert.False(await page.IsVisibleAsync("#calls"));

        await page.FillAsync("#key", "not-the-key");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/dashboard/login?failed");
        Assert.True(await page.IsVisibleAsync("#failed"));

        // Straight to the live list's events without a session: refused too.
        var events = await page.APIRequest.GetAsync(Url(server, "dashboard/events"));
        Assert.Equal(401, events.Status);

        await page.FillAsync("#key", CallsApi.ApiKey);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/dashboard");
        await page.WaitForSelectorAsync("#connection[data-state=live]");
        Assert.True(await page.IsVisibleAsync("#calls"));
        Assert.Equal("0", await page.TextContentAsync("#count"));

        // The server serves the browser phone's module, so the page offers a call to the agent.
        await page.WaitForSelectorAsync("#call-agent", new() { State = Microsoft.Playwright.WaitForSelectorState.Visible });

        // Logging out is a POST, then the page goes to the login: wait for the first, then for the second to commit
        // (its load event adds nothing here, and the check below loads the login page again anyway).
        var logout = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#logout"), "**/dashboard/logout");
        Assert.Equal(204, logout.Status);
        await page.WaitForURLAsync("**/dashboard/login", new() { WaitUntil = WaitUntilState.Commit });
        await page.GotoAsync(Url(server, "dashboard"));
        Assert.EndsWith("/dashboard/login", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_shows_a_simulated_call_within_a_second_of_its_webhook_and_removes_it_within_a_second_of_its_end()
    {
        await using var server = await BridgeServer.StartAsync(settings: CallsApi.Settings());
        using var http = server.NewHttpClient();
        await using var pacer = new FramePacer(TimeProvider.System);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await LoggedInPageAsync(chromium, server);

        var webhook = Stopwatch.StartNew();
        var dial = TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, null, CancellationToken.None);
        var row = await page.WaitForSelectorAsync("#calls tbody tr", new() { Timeout = (float)Generous.TotalMilliseconds });
        var shown = webhook.Elapsed;
        await using var caller = await dial;
        var callId = await row!.GetAttributeAsync("data-call-id");
        Assert.False(string.IsNullOrEmpty(callId));
        output.WriteLine($"row shown {shown.TotalMilliseconds:F0} ms after the webhook was sent");
        Assert.True(shown < OneSecond + LoadTolerance, $"the row took {shown.TotalMilliseconds:F0} ms");

        // Its cells: masked number, the echo edge, "–" for what nobody measures on it, a state that moves on.
        Assert.Matches(@"^\*\*\*\d{4}$", await (await row.QuerySelectorAsync("td.number"))!.TextContentAsync());
        Assert.Equal("echo", await (await row.QuerySelectorAsync("td.edge"))!.TextContentAsync());
        Assert.Equal("–", await (await row.QuerySelectorAsync("td.jitter"))!.TextContentAsync());
        await page.WaitForSelectorAsync($"tr[data-call-id='{callId}'][data-state=answered]");

        // Two more callers, all talking, for the picture of a busy list and a call's page.
        caller.Play(CallerAudio.TestSignal(TimeSpan.FromSeconds(4)), 1500, pacer);
        await using var second = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, null, CancellationToken.None);
        await using var third = await TwilioPhone.DialAsync(http, server.Caller with { From = "+15557654321" }, TimeProvider.System, null, CancellationToken.None);
        second.Play(CallerAudio.TestSignal(TimeSpan.FromSeconds(4), seed: 2), 1500, pacer);
        third.Play(CallerAudio.TestSignal(TimeSpan.FromSeconds(4), seed: 3), 1500, pacer);
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#calls tbody tr').length === 3");
        await page.WaitForFunctionAsync(
            "id => Number(document.querySelector(`tr[data-call-id='${id}'] .meter`).getAttribute('aria-valuenow')) > 20", callId);
        await ScreenshotAsync(page, "dashboard-calls.png");

        var callPage = await page.Context.NewPageAsync();
        await callPage.SetViewportSizeAsync(1400, 820);
        await callPage.GotoAsync(Url(server, $"dashboard/calls/{callId}"));
        await callPage.WaitForSelectorAsync("#timeline li[data-kind=audio]");
        await callPage.ClickAsync("#hold");
        await callPage.WaitForSelectorAsync("#timeline li[data-kind=hold]");
        await callPage.ClickAsync("#unhold");
        await callPage.WaitForFunctionAsync("() => document.querySelectorAll('#timeline li[data-kind=hold]').length === 2");
        await caller.SendDtmfAsync('5', CancellationToken.None);
        await callPage.WaitForSelectorAsync("#timeline li[data-kind=dtmf]");
        await ScreenshotAsync(callPage, "dashboard-call.png");
        await callPage.CloseAsync();

        var end = Stopwatch.StartNew();
        await caller.HangUpAsync(Generous, CancellationToken.None);
        await page.WaitForSelectorAsync($"tr[data-call-id='{callId}']", new() { State = WaitForSelectorState.Detached, Timeout = (float)Generous.TotalMilliseconds });
        var removed = end.Elapsed;
        output.WriteLine($"row removed {removed.TotalMilliseconds:F0} ms after the caller hung up");
        Assert.True(removed < OneSecond + LoadTolerance, $"the row took {removed.TotalMilliseconds:F0} ms to go");
        Assert.Equal("2", await page.TextContentAsync("#count"));
    }

    [Fact]
    public async Task The_hang_up_button_on_a_calls_page_ends_the_simulated_call()
    {
        var accountSid = new TwilioCallerOptions { Server = new Uri("http://127.0.0.1/") }.AccountSid;
        await using var fake = await FakeTwilioApi.StartAsync(accountSid, BridgeServer.AuthToken);
        await using var server = await BridgeServer.StartAsync(settings: TwilioCallsApiTests.Settings(fake));
        using var http = server.NewHttpClient();
        using var api = new CallsApi(server);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await LoggedInPageAsync(chromium, server);

        await using var caller = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, null, CancellationToken.None);
        fake.Calls[caller.CallSid] = "in-progress";
        var callId = CallsApi.CallId(await api.WaitForCallAsync(c => CallsApi.State(c) == "answered", "the call to be answered"));

        await page.ClickAsync($"tr[data-call-id='{callId}'] td.call a");
        await page.WaitForURLAsync($"**/dashboard/calls/{callId}");
        await page.WaitForSelectorAsync("#state[data-state=answered]");
        Assert.Equal(callId, await page.TextContentAsync("#call-id"));
        Assert.Equal("Hang up this call", await page.GetAttributeAsync("#hangup", "aria-label"));

        await page.ClickAsync("#hangup");
        await page.WaitForSelectorAsync("#state[data-state=ended]", new() { Timeout = (float)Generous.TotalMilliseconds });
        await page.WaitForSelectorAsync("#timeline li[data-kind=end]");
        Assert.True(await page.IsDisabledAsync("#hangup"));

        // Through the provider (Twilio told to complete the call) and out of the bridge: the caller's socket closes.
        Assert.Contains(fake.Requests, r => r.Path.EndsWith($"/Calls/{caller.CallSid}.json", StringComparison.Ordinal) && r.Form.TryGetValue("Status", out var s) && s.Contains("completed"));
        await api.WaitGoneAsync(callId);
        await caller.WaitClosedAsync(Generous, CancellationToken.None);
    }

    private static string Url(BridgeServer server, string path) => new Uri(server.BaseUrl, path).ToString();

    private static async Task<IPage> LoggedInPageAsync(HeadlessChromium chromium, BridgeServer server)
    {
        var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 520 } });
        // Generous for a first page load on a loaded machine; the timing assertions measure the list itself.
        context.SetDefaultTimeout((float)Generous.TotalMilliseconds * 2);
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url(server, "dashboard/login"));
        await page.FillAsync("#key", CallsApi.ApiKey);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/dashboard");
        await page.WaitForSelectorAsync("#connection[data-state=live]");
        return page;
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = Environment.GetEnvironmentVariable("PHONEBRIDGE_DASHBOARD_SCREENSHOTS");
        var path = Path.Combine(string.IsNullOrEmpty(directory) ? Path.GetTempPath() : directory, name);
        var png = await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        Assert.True(png.Length > 1000);
        output.WriteLine($"screenshot {path}");
    }
}
