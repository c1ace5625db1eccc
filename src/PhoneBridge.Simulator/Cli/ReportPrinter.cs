using System.Globalization;
using PhoneBridge.Simulator.Load;
using PhoneBridge.Simulator.Measurement;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Simulator.Cli;

/// <summary>The human-readable reports: one call's, and a load run's.</summary>
public static class ReportPrinter
{
    public static void Print(TextWriter output, TwilioCallReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine($"frames sent {report.FramesSent}, echoed {report.FramesEchoed}, lost {report.FramesLost}, late {report.FramesLate} (max lateness {Ms(report.MaxSendLateness)})");
        output.WriteLine($"round trip {Latency(report.Latencies)}");
        output.WriteLine($"received {report.MediaMessagesReceived} media messages ({report.BytesReceived} bytes, {report.UnmatchedBytesReceived} unmatched), marks {report.MarksReceived} (echoed {report.MarksEchoed}), clears {report.ClearsReceived}, invalid {report.InvalidMessagesReceived}{(report.FirstInvalidMessage is null ? string.Empty : " (" + report.FirstInvalidMessage + ")")}");
        output.WriteLine($"closed {(report.ClosedByServer ? "by the server" : "by the caller")}: {report.CloseStatus} {report.CloseDescription}{(report.Failure is null ? string.Empty : "; failure: " + report.Failure)}");
    }

    public static void Print(TextWriter output, LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine($"calls {report.CallsConnected - report.CallsDropped}/{report.CallsRequested} completed, {report.CallsFailed} failed{(report.CallsDropped > 0 ? $" ({report.CallsDropped} dropped mid-call)" : string.Empty)}");
        foreach (var failure in report.Failures.Take(10))
        {
            output.WriteLine("  " + failure);
        }

        output.WriteLine($"frames sent {report.FramesSent}, echoed {report.FramesEchoed}, lost {report.FramesLost}, late {report.FramesLate} (max lateness {Ms(report.MaxSendLateness)}), invalid messages {report.InvalidMessages}");
        if (report.MarkersSent > 0)
        {
            output.WriteLine($"markers sent {report.MarkersSent}, heard back {report.MarkersHeard}, lost {report.MarkersLost}, sent while joining {report.MarkersBeforeAudio}");
        }

        output.WriteLine($"round trip {Latency(report.Latencies)}");
        var cpu = report.CpuMsPerCallSecond is { } perCallSecond
            ? string.Create(CultureInfo.InvariantCulture, $"{report.ServerCpuMs:0} ms CPU over {report.SteadyWindow.TotalSeconds:0.0} s x {report.CallsInWindow} calls = {perCallSecond:0.000} ms CPU per call-second")
            : report.ServerGoneAt is not null
                ? "unavailable (the server went away before the window closed)"
                : "unavailable (GET /stats not readable; pass --api-key or --server-pid)";
        if (report.CpuMsPerBridgedCallSecond is { } bridged)
        {
            cpu += string.Create(CultureInfo.InvariantCulture, $"; by frames bridged ({report.FramesInWindow}) {bridged:0.000} ms CPU per call-second");
        }

        if (report.ServerKernelCpuMs is { } kernel && report.ServerCpuMs is > 0 and { } total && report.CpuMsPerCallSecond is { } perCall)
        {
            cpu += string.Create(CultureInfo.InvariantCulture,
                $"; kernel {kernel:0} ms, user {total - kernel:0} ms = {perCall * (total - kernel) / total:0.000} ms user CPU per call-second");
        }

        if (report.ServerJitMs is { } jit)
        {
            cpu += string.Create(CultureInfo.InvariantCulture, $"; of which JIT {jit:0} ms");
        }

        output.WriteLine($"server: {cpu}; active calls at peak {report.ActiveCallsAtPeak?.ToString(CultureInfo.InvariantCulture) ?? "?"}, after {report.ActiveCallsAfter?.ToString(CultureInfo.InvariantCulture) ?? "?"}");
        if (report.ServerGoneAt is { } goneAt)
        {
            output.WriteLine($"server went away at {goneAt.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture)} ({report.ServerGone}); the figures above are what was measured until then");
        }
    }

    private static string Latency(LatencySamples samples) =>
        samples.Count == 0
            ? "not measured (no echo matched)"
            : $"p50 {Ms(samples.Percentile(50))}, p99 {Ms(samples.Percentile(99))}, max {Ms(samples.Max)} over {samples.Count} frames";

    private static string Ms(TimeSpan? value) =>
        value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.TotalMilliseconds:0.0} ms") : "-";
}
