using System.Net;

namespace PhoneBridge.Stream.Agents;

/// <summary>The agent server could not start or stop a session.</summary>
public sealed class AgentLaunchException : Exception
{
    public AgentLaunchException(string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    public AgentLaunchException()
        : this("agent launch failed")
    {
    }

    public AgentLaunchException(string message)
        : this(message, null, null)
    {
    }

    public AgentLaunchException(string message, Exception innerException)
        : this(message, null, innerException)
    {
    }

    public HttpStatusCode? StatusCode { get; }

    /// <summary>The server is at its session limit (HTTP 429).</summary>
    public bool IsCapacity => StatusCode == HttpStatusCode.TooManyRequests;
}
