using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Integration.Tests.Calls;
using PhoneBridge.Simulator.Cli;
using PhoneBridge.Testing.Browser;
using PhoneBridge.Testing.Logging;

namespace PhoneBridge.Integration.Tests.Browser;

/// <summary>
/// Headless Chromium with a fake microphone playing a known sentence, on a page that imports the server's
/// <c>/browser/phone.js</c> and <c>/browser/listen.js</c>, against the real server on the local echo edge.
/// </summary>
public sealed class BrowserChromiumTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("phonebridge-browser-");
    private readonly ListLoggerProvider _logs = new();

    public void Dispose()
    {
        _directory.Delete(recursive: true);
        _logs.Dispose();
    }

    [Fact]
    public async Task A_browser_call_echoes_the_microphone_on_the_local_edge_and_ends_when_the_page_hangs_up()
    {
        var signal = await SpokenSignal.CreateAsync(_directory);
        await using var server = await BrowserServer.StartAsync(logs: _logs);
        using var api = new CallsApi(server);
        await using var chromium = await HeadlessChromium.LaunchAsync(signal.Wav48k);
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await TestPage.OpenAsync(context, server.BaseUrl);

        var callId = await page.EvaluateAsync<string>("key => window.startCall(key)", CallsApi.ApiKey);
        var answered = await Eventually.TrueAsync(() => server.Services.GetRequiredService<CallDirectory>().TryGet(callId, out var c) && c.State == CallState.Answered, Generous);
        Assert.True(answered, "the browser call was not answered; the server's log:\n" + _logs.AllText());
        var listed = await api.WaitForCallAsync(callId, c => CallsApi.State(c) == "answered", "the browser call answered", Generous);
        Assert.Equal("browser", listed.GetProperty("provider").GetString());

        // Half a second for the echo to settle, then three seconds of what the page heard.
        await Task.Delay(500);
        var heard = await TestPage.RecordAsync(page, 8000 * 3, Generous);
        var (median, chunks) = signal.Correlation(heard);
        Assert.True(chunks >= 5 && median >= 0.8, string.Create(CultureInfo.InvariantCulture, $"median correlation {median:F3} over {chunks} chunks with sound"));

        await page.EvaluateAsync("() => window.hangUp()");
        await api.WaitGoneAsync(callId, Generous);
        Assert.Equal("hung up", await page.EvaluateAsync<string>("() => window.endedReason"));
        await CallsApi.UntilAsync(() => Task.FromResult(server.ActiveCalls == 0 && server.Registry.Count == 0), "the call released", Generous);
    }

    [Fact]
    public async Task Listening_in_hears_what_a_simulated_phone_sends_and_a_browser_call_hung_up_by_the_api_ends_on_the_page()
    {
        var signal = await SpokenSignal.CreateAsync(_directory);

        // The echo comes back after ten seconds: until then the mix is the caller alone, which the test knows.
        await using var server = await BrowserServer.StartAsync(new Dictionary<string, string?> { ["PhoneBridge:Echo:Delay"] = "00:00:10" }, _logs);
        using var api = new CallsApi(server);
        await using var chromium = await HeadlessChromium.LaunchAsync(signal.Wav48k);
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await TestPage.OpenAsync(context, server.BaseUrl);
        var calls = server.Services.GetRequiredService<CallDirectory>();

        var phone = SimulatedCallAsync(server, ["--wav", signal.Wav8k, "--seconds", "9"]);
        var found = await Eventually.TrueAsync(() => phone.IsCompleted || calls.Calls.Any(c => c.Media is not null), Generous);
        Assert.True(found && !phone.IsCompleted, "the simulated call never reached the bridge");
        var phoneCallId = calls.Calls.Single().CallId;

        await page.EvaluateAsync("([id, key]) => window.startListening(id, key)", new object[] { phoneCallId, CallsApi.ApiKey });
        await Task.Delay(500);
        var heard = await TestPage.RecordAsync(page, 8000 * 3, Generous);
        var (median, chunks) = signal.Correlation(heard);
        Assert.True(chunks >= 5 && median >= 0.8, string.Create(CultureInfo.InvariantCulture, $"listen-in: median correlation {median:F3} over {chunks} chunks with sound"));
        await page.EvaluateAsync("() => window.stopListening()");
        var (code, output, error) = await phone;
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");

        // A browser call ended from outside (the calls API): the page's call ends too.
        var callId = await page.EvaluateAsync<string>("key => window.startCall(key)", CallsApi.ApiKey);
        await api.WaitForCallAsync(callId, c => CallsApi.State(c) == "answered", "the browser call answered", Generous);
        var hangUp = await api.PostAsync($"/calls/{callId}/hangup");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, hangUp.Status);
        await api.WaitGoneAsync(callId, Generous);
        await page.WaitForFunctionAsync("() => window.endedReason !== null", null, new() { Timeout = (float)Generous.TotalMilliseconds });
        Assert.Equal("ended by the server", await page.EvaluateAsync<string>("() => window.endedReason"));
        await CallsApi.UntilAsync(() => Task.FromResult(server.ActiveCalls == 0 && server.Registry.Count == 0), "everything released", Generous);
    }

    private static async Task<(int Code, string Output, string Error)> SimulatedCallAsync(BridgeServer server, string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SimulatorCli.RunAsync(
            ["call", "--server", server.BaseUrl.ToString(), "--auth-token", BridgeServer.AuthToken, .. options],
            output, error, CancellationToken.None).WaitAsync(Generous);
        return (code, output.ToString(), error.ToString());
    }
}
