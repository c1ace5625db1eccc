using System.Text.Json;
using PhoneBridge.Simulator.Measurement;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Simulator.Cli;

/// <summary>
/// One call's report as one JSON document for scripts (<c>call --json</c>): the figures the text report prints,
/// in camelCase, milliseconds as numbers, absent figures as null, and with <c>--expect-dtmf</c> the keys heard.
/// </summary>
public static class CallReportJson
{
    public static void Write(Stream stream, TwilioCallReport report, DtmfVerdict? dtmf)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(report);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("callSid", report.CallSid);
        json.WriteString("streamSid", report.StreamSid);
        json.WriteNumber("framesSent", report.FramesSent);
        json.WriteNumber("framesEchoed", report.FramesEchoed);
        json.WriteNumber("framesLost", report.FramesLost);
        json.WriteNumber("framesLate", report.FramesLate);
        json.WriteNumber("maxSendLatenessMs", report.MaxSendLateness.TotalMilliseconds);
        json.WriteStartObject("roundTrip");
        json.WriteNumber("samples", report.Latencies.Count);
        Ms(json, "p50Ms", report.Latencies.Percentile(50));
        Ms(json, "p99Ms", report.Latencies.Percentile(99));
        Ms(json, "maxMs", report.Latencies.Max);
        json.WriteEndObject();
        json.WriteNumber("mediaMessagesReceived", report.MediaMessagesReceived);
        json.WriteNumber("bytesReceived", report.BytesReceived);
        json.WriteNumber("marksReceived", report.MarksReceived);
        json.WriteNumber("clearsReceived", report.ClearsReceived);
        json.WriteNumber("invalidMessagesReceived", report.InvalidMessagesReceived);
        json.WriteBoolean("closedByServer", report.ClosedByServer);
        json.WriteString("failure", report.Failure);
        if (dtmf is not null)
        {
            json.WriteStartObject("dtmf");
            json.WriteString("expected", dtmf.Expected);
            json.WriteString("heard", dtmf.Heard);
            json.WriteBoolean("passed", dtmf.Passed);
            json.WriteString("failure", dtmf.Failure);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void Ms(Utf8JsonWriter json, string name, TimeSpan? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v.TotalMilliseconds);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
