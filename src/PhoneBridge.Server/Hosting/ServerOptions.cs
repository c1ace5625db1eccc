namespace PhoneBridge.Server.Hosting;

/// <summary>Host settings (section <c>PhoneBridge:Server</c>).</summary>
public sealed class ServerOptions
{
    public const string SectionName = "PhoneBridge:Server";

    /// <summary>
    /// Proxies (IP addresses) whose <c>X-Forwarded-*</c> headers are trusted, besides loopback (where a local
    /// ngrok agent connects from).
    /// </summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Ping interval on media sockets, so idle NATs and proxies keep them open.</summary>
    public TimeSpan WebSocketKeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Runs socket reads and writes' continuations on Kestrel's I/O threads instead of queueing each to the thread
    /// pool. Every media message is a small read and a small write, so this saves two thread-pool hand-offs per
    /// message; it is safe because no request handler here blocks a thread (the media path never waits).
    /// </summary>
    public bool InlineSocketScheduling { get; set; } = true;

    /// <summary>How long shutdown waits for active calls to hang up.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
