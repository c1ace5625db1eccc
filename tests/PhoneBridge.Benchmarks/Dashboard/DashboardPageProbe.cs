using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using PhoneBridge.Simulator.Twilio;
using PhoneBridge.Testing.Browser;

namespace PhoneBridge.Benchmarks.Dashboard;

/// <summary>
/// <c>dashboard-page</c>: the live list as a person sees it while a server carries a load started separately (the
/// simulator's <c>load</c> mode with 200 calls, say). Headless Chromium logs in and follows <c>/dashboard</c>; every
/// few seconds a probe call is placed and hung up two seconds later, and the page notes when its row appears and
/// goes. Reported: those delays, the rows the page held, its main thread's long tasks (over 50 ms), Chromium's CPU
/// (every process it started) and its JavaScript heap.
/// </summary>
/// <remarks>
/// Arguments, all optional: <c>url=http://127.0.0.1:5080/ key=… token=dev-twilio-auth-token seconds=60 every=5</c>
/// (<c>key</c> is the server's <c>PhoneBridge:ApiKey</c>, <c>token</c> its <c>Twilio:AuthToken</c>).
/// </remarks>
internal static class DashboardPageProbe
{
    /// <summary>Counts long tasks and notes, in page time (ms since the epoch), when each call's row comes and goes.</summary>
    private const string Instrument = """
        () => {
          const p = { longTasks: 0, longTaskMs: 0, added: {}, removed: {}, maxRows: 0, minRows: 1e9 };
          window.__probe = p;
          new PerformanceObserver(list => {
            for (const e of list.getEntries()) { p.longTasks++; p.longTaskMs += e.duration; }
          }).observe({ type: 'longtask' });
          const body = document.querySelector('#calls tbody');
          new MutationObserver(records => {
            const now = Date.now();
            for (const r of records) {
              for (const n of r.addedNodes) if (n.dataset && n.dataset.callId) p.added[n.dataset.callId] = now;
              for (const n of r.removedNodes) if (n.dataset && n.dataset.callId) p.removed[n.dataset.callId] = now;
            }
          }).observe(body, { childList: true });
          setInterval(() => {
            p.maxRows = Math.max(p.maxRows, body.children.length);
            p.minRows = Math.min(p.minRows, body.children.length);
          }, 250);
        }
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = args.Select(a => a.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        var url = new Uri(settings.GetValueOrDefault("url") ?? "http://127.0.0.1:5080/");
        var key = settings.GetValueOrDefault("key") ?? throw new ArgumentException("key=<PhoneBridge:ApiKey> is required");
        var token = settings.GetValueOrDefault("token") ?? TwilioCallerOptions.DevelopmentAuthToken;
        var seconds = int.Parse(settings.GetValueOrDefault("seconds") ?? "60", CultureInfo.InvariantCulture);
        var every = int.Parse(settings.GetValueOrDefault("every") ?? "5", CultureInfo.InvariantCulture);

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(new Uri(url, "dashboard").AbsoluteUri);
        await page.FillAsync("#key", key);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#connection[data-state=live]");
        await page.EvaluateAsync(Instrument);
        var heapBefore = await page.EvaluateAsync<double>("() => performance.memory.usedJSHeapSize");

        using var http = new HttpClient();
        var caller = new TwilioCallerOptions { Server = url, AuthToken = token, From = "+15550000199" };
        var probes = new List<(string CallId, long Dialled, long HungUp)>();
        var cpuBefore = ProcessTreeCpu.Read();
        var wall = Stopwatch.StartNew();
        while (wall.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            var dialled = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await using (var call = await TwilioPhone.DialAsync(http, caller, TimeProvider.System, null, CancellationToken.None))
            {
                var callId = call.Report().StreamUrl!.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[2];
                await Task.Delay(TimeSpan.FromSeconds(2));
                var hungUp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                await call.HangUpAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
                probes.Add((callId, dialled, hungUp));
            }

            var next = TimeSpan.FromSeconds(every * probes.Count);
            if (next > wall.Elapsed)
            {
                await Task.Delay(next - wall.Elapsed);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(2));   // the last probe's removal
        var elapsed = wall.Elapsed;
        var cpu = ProcessTreeCpu.Read() - cpuBefore;
        using var state = JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.__probe)"));
        var heapAfter = await page.EvaluateAsync<double>("() => performance.memory.usedJSHeapSize");
        var root = state.RootElement;
        var shown = Delays(probes, root.GetProperty("added"), p => p.Dialled);
        var gone = Delays(probes, root.GetProperty("removed"), p => p.HungUp);

        Console.WriteLine($"page over {elapsed.TotalSeconds:F0} s: rows {root.GetProperty("minRows").GetInt32()}–{root.GetProperty("maxRows").GetInt32()}");
        Console.WriteLine($"probe rows shown after the webhook: {Describe(shown, probes.Count)}");
        Console.WriteLine($"probe rows gone after the hang-up: {Describe(gone, probes.Count)}");
        Console.WriteLine($"long tasks: {root.GetProperty("longTasks").GetInt32()}, {root.GetProperty("longTaskMs").GetDouble():F0} ms in all");
        Console.WriteLine($"Chromium CPU: {cpu.TotalMilliseconds:F0} ms = {100 * cpu.TotalMilliseconds / elapsed.TotalMilliseconds:F1} % of one core");
        Console.WriteLine($"JS heap: {heapBefore / 1e6:F1} → {heapAfter / 1e6:F1} MB");
        return 0;
    }

    private static long[] Delays(List<(string CallId, long Dialled, long HungUp)> probes, JsonElement seen, Func<(string CallId, long Dialled, long HungUp), long> from) =>
        [.. probes.Where(p => seen.TryGetProperty(p.CallId, out _)).Select(p => seen.GetProperty(p.CallId).GetInt64() - from(p)).Order()];

    private static string Describe(long[] delays, int probes) =>
        delays.Length == 0
            ? $"none of {probes}"
            : $"{delays.Length} of {probes}, median {delays[delays.Length / 2]} ms, max {delays[^1]} ms";
}
