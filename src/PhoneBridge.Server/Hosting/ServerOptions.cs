namespace PhoneBridge.Server.Hosting;

/// <summary>
/// Host settings (section <c>PhoneBridge:Server</c>). <c>MaxWebhookBytes</c> in the same section is bound by
/// <c>WebhookLimitsOptions</c> in Core, because the providers' routes apply it.
/// </summary>
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
    /// How long a media socket may leave a keep-alive ping unanswered before it is aborted and its call ended: a
    /// peer that vanished without closing (NAT dropped, host gone) would otherwise hold its call for ever. Pings
    /// go out every <see cref="WebSocketKeepAlive"/>; zero or <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Off (0 or infinite), or up to 10 minutes.</summary>
    internal bool KeepAliveTimeoutIsValid =>
        KeepAliveTimeout == Timeout.InfiniteTimeSpan || (KeepAliveTimeout >= TimeSpan.Zero && KeepAliveTimeout <= TimeSpan.FromMinutes(10));

    /// <summary>What ASP.NET Core's <c>WebSocketOptions.KeepAliveTimeout</c> takes: infinite turns it off.</summary>
    internal TimeSpan EffectiveKeepAliveTimeout => KeepAliveTimeout == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : KeepAliveTimeout;

    /// <summary>
    /// Runs socket reads' and writes' continuations on the thread that completed them instead of queueing each to
    /// the thread pool. Every media message is a small read and a small write, so this saves two thread-pool
    /// hand-offs per message; it is safe because no request handler here blocks a thread (the media path never
    /// waits). It also turns on the runtime's <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c> unless the
    /// environment sets it (<see cref="InlineSocketCompletions"/>), so a media message is handled on the socket
    /// event thread with no hand-off at all; see docs/performance.md.
    /// </summary>
    public bool InlineSocketScheduling { get; set; } = true;

    /// <summary>How long the final shutdown (after a drain, or at once on a second signal) waits for active calls to hang up.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a drain (SIGTERM or SIGINT) lets the calls in progress carry on before hanging them up through their
    /// provider; the process exits as soon as the last call has ended. Kubernetes' <c>terminationGracePeriodSeconds</c>
    /// should be a little longer.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Addresses of a second listener (e.g. <c>http://0.0.0.0:9090</c>) that serves <c>/stats</c>, <c>/stats/gc</c>,
    /// <c>/metrics</c> and <c>/health/*</c> anonymously and nothing else; the public listener then no longer serves
    /// <c>/stats</c> and <c>/metrics</c>. Empty (the default): they are on the public listener behind the API key.
    /// </summary>
    public IList<string> ManagementUrls { get; } = [];
}
