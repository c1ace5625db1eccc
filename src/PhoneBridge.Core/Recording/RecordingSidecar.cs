using System.Text.Json;
using System.Text.Json.Nodes;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Privacy;

namespace PhoneBridge.Core.Recording;

/// <summary>
/// The <c>{callId}.json</c> beside a recording: who and what (numbers masked as in the logs), when (UTC), how the
/// WAV is laid out, and the call's events with their offset in the file. Rewritten whole (a new file moved over the
/// old one) whenever it changed, so a reader never sees half of it.
/// </summary>
internal static class RecordingSidecar
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly JsonSerializerOptions Indented = new(Json) { WriteIndented = true };

    /// <summary>The fields of <paramref name="callEvent"/> as the edge call receives them (<c>type</c>, <c>callId</c>, …).</summary>
    public static JsonObject EventFields(CallEvent callEvent) =>
        JsonSerializer.SerializeToNode(callEvent, callEvent.GetType(), Json) as JsonObject ?? [];

    public static JsonObject Build(CallRecording recording, string state, JsonObject[] events)
    {
        var info = recording.Info;
        var document = new JsonObject
        {
            ["callId"] = info.CallId,
            ["provider"] = info.Provider,
            ["direction"] = info.Direction.ToString().ToLowerInvariant(),
            ["from"] = Redaction.MaskPhoneNumber(info.From),
            ["to"] = Redaction.MaskPhoneNumber(info.To),
            ["providerCallId"] = recording.Call?.ProviderCallId ?? info.ProviderCallId,
            ["file"] = recording.FileStem + ".wav",
            ["format"] = new JsonObject
            {
                ["encoding"] = "pcm_s16le",
                ["sampleRate"] = recording.SampleRate,
                ["channels"] = new JsonArray("caller", "heard"),
            },
            ["state"] = state,
            ["startedAt"] = recording.StartedAt,
            ["endedAt"] = recording.EndedAt,
            ["framesDropped"] = new JsonObject
            {
                ["caller"] = recording.CallerQueue.Dropped,
                ["heard"] = recording.HeardQueue.Dropped,
            },
            ["events"] = new JsonArray([.. events]),
        };
        return document;
    }

    /// <summary>Writes <paramref name="document"/> to <paramref name="path"/> through a temporary file moved over it.</summary>
    public static void Write(string path, JsonObject document)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(document, Indented));
        File.Move(temporary, path, overwrite: true);
    }
}
