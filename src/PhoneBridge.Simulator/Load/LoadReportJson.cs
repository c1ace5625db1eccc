using System.Text.Json;

namespace PhoneBridge.Simulator.Load;

/// <summary>
/// A load report as one JSON document for scripts (<c>load --json</c>): the summary the text report prints, in
/// camelCase, milliseconds as numbers, absent figures as null. Per-call details are left out to keep it small.
/// </summary>
public static class LoadReportJson
{
    public static void Write(Stream stream, LoadReport report)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(report);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("callsRequested", report.CallsRequested);
        json.WriteNumber("callsConnected", report.CallsConnected);
        json.WriteNumber("callsDropped", report.CallsDropped);
        json.WriteNumber("callsFailed", report.CallsFailed);
        json.WriteStartArray("failures");
        foreach (var failure in report.Failures)
        {
            json.WriteStringValue(failure);
        }

        json.WriteEndArray();
        json.WriteNumber("framesSent", report.FramesSent);
        json.WriteNumber("framesEchoed", report.FramesEchoed);
        json.WriteNumber("framesLost", report.FramesLost);
        json.WriteNumber("framesLate", report.FramesLate);
        json.WriteNumber("maxSendLatenessMs", report.MaxSendLateness.TotalMilliseconds);
        json.WriteNumber("invalidMessages", report.InvalidMessages);
        json.WriteNumber("markersSent", report.MarkersSent);
        json.WriteNumber("markersHeard", report.MarkersHeard);
        json.WriteNumber("markersLost", report.MarkersLost);
        json.WriteNumber("markersBeforeAudio", report.MarkersBeforeAudio);
        json.WriteStartObject("roundTrip");
        json.WriteNumber("samples", report.Latencies.Count);
        Ms(json, "p50Ms", report.Latencies.Percentile(50));
        Ms(json, "p99Ms", report.Latencies.Percentile(99));
        Ms(json, "maxMs", report.Latencies.Max);
        json.WriteEndObject();
        json.WriteStartObject("server");
        json.WriteNumber("steadyWindowMs", report.SteadyWindow.TotalMilliseconds);
        json.WriteNumber("callsInWindow", report.CallsInWindow);
        Number(json, "cpuMs", report.ServerCpuMs);
        Number(json, "cpuMsPerCallSecond", report.CpuMsPerCallSecond);
        Number(json, "framesInWindow", report.FramesInWindow);
        Number(json, "cpuMsPerBridgedCallSecond", report.CpuMsPerBridgedCallSecond);
        Number(json, "kernelCpuMs", report.ServerKernelCpuMs);
        Number(json, "jitMs", report.ServerJitMs);
        Number(json, "activeCallsAtPeak", report.ActiveCallsAtPeak);
        Number(json, "activeCallsAfter", report.ActiveCallsAfter);
        if (report.ServerGoneAt is { } goneAt)
        {
            json.WriteString("goneAt", goneAt);
        }
        else
        {
            json.WriteNull("goneAt");
        }

        json.WriteString("gone", report.ServerGone);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Ms(Utf8JsonWriter json, string name, TimeSpan? value) => Number(json, name, value?.TotalMilliseconds);

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
