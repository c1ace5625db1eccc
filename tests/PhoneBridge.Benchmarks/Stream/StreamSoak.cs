using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using PhoneBridge.Simulator.Twilio;
using PhoneBridge.Testing.Server;

namespace PhoneBridge.Benchmarks.Stream;

/// <summary>
/// <c>stream-load soak --calls 100 --minutes 60 [--sample-seconds 60] [--markers 25] [--ramp-seconds 20]
/// [--replace true] [--results-dir results/stream-soak]</c>: keeps N calls up through the Stream edge for the
/// duration and, every sample interval, records the server process's resident memory, threads and open
/// descriptors (from /proc) and its managed heap after a full GC the server runs itself (<c>POST /stats/gc</c>).
/// A call that ends early is reported and, with <c>--replace true</c> (the default), dialled again in its slot.
/// The per-frame work is the run mode's: the same pacer, marker audio and matching.
/// </summary>
internal static class StreamSoak
{
    private const double MiB = 1024 * 1024;

    public static async Task<int> RunAsync(
        HttpClient http, TwilioCallerOptions caller, ServerProcess server, string apiKey, Dictionary<string, string> args, CancellationToken ct)
    {
        var calls = Int(args, "calls", 100);
        var minutes = Double(args, "minutes", 60);
        var sampleEvery = TimeSpan.FromSeconds(Double(args, "sample-seconds", 60));
        var period = Int(args, "markers", 25);
        var ramp = TimeSpan.FromSeconds(Double(args, "ramp-seconds", 20));
        var replace = !args.TryGetValue("replace", out var r) || bool.Parse(r);
        var resultsDir = args.GetValueOrDefault("results-dir", Path.Combine("results", "stream-soak"));
        var duration = TimeSpan.FromMinutes(minutes);
        var samples = (int)Math.Floor(duration / sampleEvery);

        Directory.CreateDirectory(resultsDir);
        var csvPath = Path.GetFullPath(Path.Combine(resultsDir,
            string.Create(CultureInfo.InvariantCulture, $"soak-{calls}calls-{minutes:0.#}min-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}.csv")));
        await using var csv = new StreamWriter(csvPath) { AutoFlush = true };
        await csv.WriteLineAsync(SoakSample.CsvHeader.AsMemory(), ct);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak: {calls} calls x {minutes:0.#} min through the Stream edge, a marker every {period} frames, a sample every {sampleEvery.TotalSeconds:0} s, early-ended calls {(replace ? "replaced" : "not replaced")}; CSV {csvPath}"));

        var time = TimeProvider.System;
        var calling = new SoakCalls(http, caller, time, calls, period, replace, ct);
        // Audio long enough for the whole soak plus the ramp; the clip wraps, whole marker periods long.
        var running = calling.Start(ramp, duration + ramp + TimeSpan.FromMinutes(10));
        await calling.AllSettled.WaitAsync(ct);
        var start = time.GetTimestamp();
        calling.SoakStartedAt = start;
        Console.WriteLine($"{calling.CallsUp} of {calls} calls up ({DateTime.UtcNow:HH:mm:ss} UTC); sampling the server (pid {server.Id}).");

        var taken = new List<SoakSample>();
        // Its own client: on a saturated machine a full GC with every call up can take far longer than a webhook.
        using var statsHttp = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        async Task TakeAsync(string label)
        {
            SoakSample sample;
            try
            {
                sample = await SampleAsync(statsHttp, server, apiKey, calling, label, time.GetElapsedTime(start), ct);
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or IOException
                || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // One missed sample is a gap in the table, not the end of an hour's run.
                Console.Error.WriteLine($"[soak {DateTime.UtcNow:HH:mm:ss} UTC] sample {label} failed: {ex.Message}");
                return;
            }

            taken.Add(sample);
            if (taken.Count == 1)
            {
                Console.WriteLine(SoakSample.MarkdownHeader);
            }

            Console.WriteLine(sample.MarkdownRow());
            await csv.WriteLineAsync(sample.CsvRow().AsMemory(), ct);
        }

        await TakeAsync("0");
        using (var timer = new PeriodicTimer(sampleEvery, time))
        {
            for (var i = 1; i <= samples; i++)
            {
                await timer.WaitForNextTickAsync(ct);
                await TakeAsync(((i * sampleEvery).TotalMinutes).ToString("0.##", CultureInfo.InvariantCulture));
            }
        }

        var inRun = taken.ToArray();
        await calling.StopAsync(running);
        // What is left once every call has hung up and the server has had a moment to release the calls.
        await Task.Delay(TimeSpan.FromSeconds(10), time, ct);
        await TakeAsync("after hang-up");

        Console.WriteLine();
        Console.WriteLine(SoakSample.MarkdownHeader);
        foreach (var sample in taken)
        {
            Console.WriteLine(sample.MarkdownRow());
        }

        Console.WriteLine();
        Console.WriteLine(Verdict(inRun));
        Console.WriteLine($"calls ended early: {calling.EndedEarly} (replacement: {(replace ? "on" : "off")}); dial failures: {calling.DialFailures}; CSV: {csvPath}");
        return 0;
    }

    /// <summary>Heap after GC at the end against after the first five minutes (the warm-up's JIT and caches settled); flat within 10 %.</summary>
    internal static string Verdict(IReadOnlyList<SoakSample> samples)
    {
        if (samples.Count < 2)
        {
            return "verdict: not enough samples";
        }

        var reference = samples.FirstOrDefault(s => s.Elapsed >= TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(5));
        var note = "";
        if (reference is null || reference == samples[^1])
        {
            reference = samples[1];
            note = " (the run is shorter than five minutes: against the first sample after the start instead)";
        }

        var end = samples[^1];
        var change = (end.HeapAfterGcBytes - reference.HeapAfterGcBytes) * 100.0 / reference.HeapAfterGcBytes;
        return string.Create(CultureInfo.InvariantCulture,
            $"verdict: heap after GC {end.HeapAfterGcBytes / MiB:0.00} MB at minute {end.Label} vs {reference.HeapAfterGcBytes / MiB:0.00} MB at minute {reference.Label}{note}: {change:+0.0;-0.0;0.0} % -> {(Math.Abs(change) <= 10 ? "FLAT" : "NOT FLAT")} (flat = within 10 %); RSS {reference.Server.RssKiB / 1024.0:0.0} -> {end.Server.RssKiB / 1024.0:0.0} MB, threads {reference.Server.Threads} -> {end.Server.Threads}, fds {reference.Server.OpenFds} -> {end.Server.OpenFds}");
    }

    private static async Task<SoakSample> SampleAsync(
        HttpClient http, ServerProcess server, string apiKey, SoakCalls calling, string label, TimeSpan elapsed, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Url, "/stats/gc"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        using var gc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(ct));
        var proc = ProcStatus.Read(server.Id);
        using var statsRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "/stats"));
        statsRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var statsResponse = await http.SendAsync(statsRequest, ct);
        statsResponse.EnsureSuccessStatusCode();
        using var stats = JsonDocument.Parse(await statsResponse.Content.ReadAsByteArrayAsync(ct));
        var totals = calling.Totals();
        return new SoakSample(
            label,
            elapsed,
            calling.CallsUp,
            proc,
            gc.RootElement.GetProperty("heapSizeBytes").GetInt64(),
            gc.RootElement.GetProperty("liveBytes").GetInt64(),
            gc.RootElement.GetProperty("elapsedMs").GetDouble(),
            totals.FramesSent,
            totals.FramesBack,
            totals.FramesLate,
            totals.MarkersSent,
            totals.MarkersLost,
            stats.RootElement.GetProperty("framesDropped").GetInt64(),
            calling.EndedEarly);
    }

    private static int Int(Dictionary<string, string> o, string name, int fallback) =>
        o.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static double Double(Dictionary<string, string> o, string name, double fallback) =>
        o.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
