using System.Text.Json;

namespace PhoneBridge.Simulator.Telnyx;

/// <summary>Call Control webhook bodies shaped as Telnyx sends them.</summary>
public static class TelnyxWebhookBodies
{
    public static byte[] CallInitiated(string eventId, string callControlId, string from, string to, DateTimeOffset at) =>
        Event("call.initiated", eventId, at, new Dictionary<string, object?>
        {
            ["call_control_id"] = callControlId,
            ["call_leg_id"] = callControlId + "-leg",
            ["call_session_id"] = callControlId + "-session",
            ["connection_id"] = "simulated-connection",
            ["direction"] = "incoming",
            ["from"] = from,
            ["to"] = to,
            ["state"] = "parked",
        });

    public static byte[] CallHangup(string eventId, string callControlId, string cause, DateTimeOffset at) =>
        Event("call.hangup", eventId, at, new Dictionary<string, object?>
        {
            ["call_control_id"] = callControlId,
            ["hangup_cause"] = cause,
            ["hangup_source"] = "caller",
            ["state"] = "hangup",
        });

    /// <summary><c>call.answered</c> of a call the bridge dialled: the callee picked up.</summary>
    public static byte[] CallAnswered(string eventId, string callControlId, DateTimeOffset at) =>
        Event("call.answered", eventId, at, new Dictionary<string, object?>
        {
            ["call_control_id"] = callControlId,
            ["call_leg_id"] = callControlId + "-leg",
            ["call_session_id"] = callControlId + "-session",
            ["connection_id"] = "simulated-connection",
            ["direction"] = "outgoing",
            ["state"] = "answered",
        });

    /// <summary>
    /// An answering-machine detection webhook (https://developers.telnyx.com/docs/voice/programmable-voice/answering-machine-detection):
    /// <c>call.machine.detection.ended</c>, <c>call.machine.greeting.ended</c> or their <c>premium</c> forms, with
    /// <c>result</c>.
    /// </summary>
    public static byte[] MachineDetection(string eventType, string eventId, string callControlId, string result, DateTimeOffset at) =>
        Event(eventType, eventId, at, new Dictionary<string, object?>
        {
            ["call_control_id"] = callControlId,
            ["call_leg_id"] = callControlId + "-leg",
            ["call_session_id"] = callControlId + "-session",
            ["connection_id"] = "simulated-connection",
            ["result"] = result,
        });

    public static byte[] Streaming(string eventType, string eventId, string callControlId, DateTimeOffset at) =>
        Event(eventType, eventId, at, new Dictionary<string, object?> { ["call_control_id"] = callControlId });

    public static byte[] Event(string eventType, string eventId, DateTimeOffset at, IReadOnlyDictionary<string, object?> payload) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["data"] = new Dictionary<string, object?>
            {
                ["event_type"] = eventType,
                ["id"] = eventId,
                ["occurred_at"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
                ["payload"] = payload,
                ["record_type"] = "event",
            },
        });
}
