namespace PhoneBridge.Server.Hosting;

public static class InlineSocketCompletions
{
    /// <summary>The runtime's switch for running socket continuations on its epoll threads.</summary>
    internal const string EnvironmentVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// With <see cref="ServerOptions.InlineSocketScheduling"/> on (the default), also makes the runtime run socket
    /// continuations on its epoll threads, so a media message is read, bridged and answered there with no hand-off
    /// to the thread pool (docs/performance.md). The runtime reads the switch from the environment once, when the
    /// first socket operation starts its engine, so this must run before the host starts; a value already in the
    /// environment wins.
    /// </summary>
    public static WebApplicationBuilder PreferInlineSocketCompletions(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var inline = builder.Configuration.GetValue($"{ServerOptions.SectionName}:{nameof(ServerOptions.InlineSocketScheduling)}", true);
        if (inline && Environment.GetEnvironmentVariable(EnvironmentVariable) is null)
        {
            Environment.SetEnvironmentVariable(EnvironmentVariable, "1");
        }

        return builder;
    }
}
