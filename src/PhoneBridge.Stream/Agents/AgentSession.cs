namespace PhoneBridge.Stream.Agents;

/// <summary>
/// An agent session started for one call. Disposing it asks the agent server to close the session, so a call
/// that ends (or a registration that expires unclaimed) does not leave an agent waiting in an empty call.
/// </summary>
public sealed class AgentSession : IAsyncDisposable
{
    private readonly VisionAgentsLauncher _launcher;
    private int _closed;

    internal AgentSession(VisionAgentsLauncher launcher, string callType, string callId, string sessionId, DateTimeOffset? startedAt)
    {
        _launcher = launcher;
        CallType = callType;
        CallId = callId;
        SessionId = sessionId;
        StartedAt = startedAt;
    }

    /// <summary>Stream call type the agent joined.</summary>
    public string CallType { get; }

    /// <summary>Stream call id the agent joined; the phone joins the same call.</summary>
    public string CallId { get; }

    public string SessionId { get; }

    public DateTimeOffset? StartedAt { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            await _launcher.CloseQuietlyAsync(this).ConfigureAwait(false);
        }
    }
}
