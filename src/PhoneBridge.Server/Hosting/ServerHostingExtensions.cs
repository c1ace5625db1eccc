using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;
using PhoneBridge.Server.Hosting.Drain;
using PhoneBridge.Server.Hosting.Management;

namespace PhoneBridge.Server.Hosting;

public static class ServerHostingExtensions
{
    /// <summary>
    /// Forwarded headers (scheme, host and client address from a trusted proxy, so signatures and media URLs see
    /// the public URL), WebSocket keep-alive (pings, and aborting sockets that stop answering them), health checks,
    /// a drain on SIGTERM or SIGINT (<see cref="DrainingHostLifetime"/>) that waits for the calls in progress, a
    /// shutdown long enough to hang up active calls, health checks (the drain's, tagged <c>ready</c>), and 4xx instead
    /// of 500 for malformed requests (<see cref="MalformedRequestExceptionHandler"/>, with <c>UseExceptionHandler</c>).
    /// </summary>
    public static IServiceCollection AddServerHosting(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ServerOptions>()
            .BindConfiguration(ServerOptions.SectionName)
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)), "PhoneBridge:Server:KnownProxies must hold IP addresses.")
            .Validate(o => o.WebSocketKeepAlive >= TimeSpan.Zero && o.WebSocketKeepAlive <= TimeSpan.FromMinutes(10), "PhoneBridge:Server:WebSocketKeepAlive must be between 0 and 10 minutes.")
            .Validate(o => o.KeepAliveTimeoutIsValid, "PhoneBridge:Server:KeepAliveTimeout must be 0 (off), infinite (off) or up to 10 minutes.")
            .Validate(o => o.ShutdownTimeout > TimeSpan.Zero && o.ShutdownTimeout <= TimeSpan.FromMinutes(5), "PhoneBridge:Server:ShutdownTimeout must be between 0 and 5 minutes.")
            .Validate(o => o.DrainTimeout > TimeSpan.Zero && o.DrainTimeout <= TimeSpan.FromHours(24), "PhoneBridge:Server:DrainTimeout must be between 0 (exclusive) and 24 hours.")
            .Validate(o => o.ManagementUrls.All(u => ManagementListener.TryPort(u, out _)), "PhoneBridge:Server:ManagementUrls must hold http URLs with a port, e.g. http://0.0.0.0:9090.")
            .ValidateOnStart();

        services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<ServerOptions>>((forwarded, server) =>
            {
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
                foreach (var proxy in server.Value.KnownProxies)
                {
                    if (IPAddress.TryParse(proxy, out var address))
                    {
                        forwarded.KnownProxies.Add(address);
                    }
                }
            });
        services.AddOptions<WebSocketOptions>()
            .Configure<IOptions<ServerOptions>>((webSockets, server) =>
            {
                webSockets.KeepAliveInterval = server.Value.WebSocketKeepAlive;
                webSockets.KeepAliveTimeout = server.Value.EffectiveKeepAliveTimeout;
            });
        services.AddOptions<SocketTransportOptions>()
            .Configure<IOptions<ServerOptions>>((sockets, server) => sockets.UnsafePreferInlineScheduling = server.Value.InlineSocketScheduling);
        services.AddOptions<HostOptions>()
            .Configure<IOptions<ServerOptions>>((host, server) => host.ShutdownTimeout = server.Value.ShutdownTimeout);

        services.AddExceptionHandler<MalformedRequestExceptionHandler>();

        // Anything else keeps the default answer: an empty 500 (and the middleware logs the fault).
        services.Configure<ExceptionHandlerOptions>(o => o.ExceptionHandler ??= _ => Task.CompletedTask);
        services.AddSingleton<CallDrainCoordinator>();
        services.AddSingleton<IHostLifetime, DrainingHostLifetime>();
        services.AddHealthChecks().AddCheck<DrainHealthCheck>(DrainHealthCheck.Name, tags: [HealthEndpoint.ReadyTag]);
        return services;
    }
}
