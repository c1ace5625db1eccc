using System.Text.Json;
using System.Text.Json.Serialization;

namespace PhoneBridge.Stream.Sfu;

/// <summary>
/// A browser <c>RTCIceCandidateInit</c>, the JSON carried in <c>ICETrickle.ice_candidate</c> both ways.
/// </summary>
/// <param name="Candidate">The SDP <c>candidate:</c> line value; empty means end-of-candidates.</param>
public sealed record IceCandidateInit(
    [property: JsonPropertyName("candidate")] string Candidate,
    [property: JsonPropertyName("sdpMid")] string? SdpMid,
    [property: JsonPropertyName("sdpMLineIndex")] int? SdpMLineIndex,
    [property: JsonPropertyName("usernameFragment")] string? UsernameFragment = null)
{
    [JsonIgnore]
    public bool IsEndOfCandidates => string.IsNullOrWhiteSpace(Candidate);

    public string ToJson() => JsonSerializer.Serialize(this, IceCandidateJsonContext.Default.IceCandidateInit);

    /// <summary>Parses the SFU's JSON; false (never an exception) for malformed input.</summary>
    public static bool TryParse(string json, out IceCandidateInit? candidate)
    {
        candidate = null;
        try
        {
            candidate = JsonSerializer.Deserialize(json, IceCandidateJsonContext.Default.IceCandidateInit);
            return candidate is { Candidate: not null };
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IceCandidateInit))]
internal sealed partial class IceCandidateJsonContext : JsonSerializerContext;
