using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Stream.Agents;

/// <summary>
/// Hands an <see cref="AgentSession"/> started by one instance to the instance that claims the call: the agent
/// server's session id and Stream call are all closing it needs (<c>DELETE /calls/{id}/sessions/{session}</c>), so the
/// owner's bridge joins the agent's call and closes the session at hangup.
/// </summary>
internal sealed class AgentSessionHandover(IServiceProvider services) : IPreparedWorkHandover
{
    public string? Describe(object prepared) => prepared is AgentSession session
        ? JsonSerializer.Serialize(
            new AgentSessionDescription(session.CallType, session.CallId, session.SessionId, session.StartedAt),
            AgentHandoverJsonContext.Default.AgentSessionDescription)
        : null;

    public object? Restore(string description)
    {
        AgentSessionDescription? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(description, AgentHandoverJsonContext.Default.AgentSessionDescription);
        }
        catch (JsonException)
        {
            return null;
        }

        if (parsed is null || string.IsNullOrEmpty(parsed.SessionId) || string.IsNullOrEmpty(parsed.CallId) || string.IsNullOrEmpty(parsed.CallType))
        {
            return null;
        }

        // The launcher is a typed HTTP client: resolved per session, as the preparer does.
        return new AgentSession(services.GetRequiredService<VisionAgentsLauncher>(), parsed.CallType, parsed.CallId, parsed.SessionId, parsed.StartedAt);
    }
}

internal sealed record AgentSessionDescription(
    [property: JsonPropertyName("agent_call_type")] string CallType,
    [property: JsonPropertyName("agent_call_id")] string CallId,
    [property: JsonPropertyName("agent_session_id")] string SessionId,
    [property: JsonPropertyName("started_at")] DateTimeOffset? StartedAt);

[JsonSerializable(typeof(AgentSessionDescription))]
internal sealed partial class AgentHandoverJsonContext : JsonSerializerContext;
