namespace PhoneBridge.Testing.Server;

/// <summary>How <see cref="ServerProcess"/> starts the server.</summary>
public sealed class ServerProcessOptions
{
    /// <summary>The server build to run; by default the one copied next to the running tests.</summary>
    public string ServerDll { get; init; } = Path.Combine(AppContext.BaseDirectory, "PhoneBridge.Server.dll");

    /// <summary>Environment variables (configuration keys with <c>__</c>) on top of Production and the loopback URL.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>How long the server may take to answer <c>/health</c>; generous, the machine may be loaded.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Keep every output line in <see cref="ServerProcess.Output"/> for assertions. Off for long runs, which would
    /// otherwise hold all of it in memory.
    /// </summary>
    public bool KeepOutput { get; init; } = true;

    /// <summary>Also called with each output line (e.g. to echo it), on the process's reader thread.</summary>
    public Action<string>? OnOutput { get; init; }
}
