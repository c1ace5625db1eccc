using System.Text.Json;
using System.Text.Json.Serialization;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Redis.Registry;

/// <summary>
/// <see cref="CallInfo"/> as stored in the <c>info</c> field of an entry: every member, source-generated, so members
/// added to <see cref="CallInfo"/> travel between instances without a change here.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CallInfo))]
internal sealed partial class CallInfoJsonContext : JsonSerializerContext;

internal static class CallInfoJson
{
    public static string Serialize(CallInfo info) => JsonSerializer.Serialize(info, CallInfoJsonContext.Default.CallInfo);

    public static CallInfo Deserialize(string json) =>
        JsonSerializer.Deserialize(json, CallInfoJsonContext.Default.CallInfo) ?? throw new JsonException("An empty call entry.");
}
