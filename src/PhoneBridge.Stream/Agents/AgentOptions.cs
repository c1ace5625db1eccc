namespace PhoneBridge.Stream.Agents;

/// <summary>Optional agent server to launch per call (section <c>Agent</c>), e.g. a Vision Agents <c>serve</c> runner.</summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agent";

    /// <summary>Base URL of the agent server; when unset no agent is launched.</summary>
    public Uri? ServerUrl { get; set; }

    /// <summary>Section of the agent client's timeouts and retry budget.</summary>
    public const string HttpSection = SectionName + ":Http";

    public static bool IsValid(AgentOptions options) =>
        options.ServerUrl is null || options.ServerUrl is { IsAbsoluteUri: true, Scheme: "http" or "https" };
}
