using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Core.Cluster;

/// <summary>
/// Runs a <see cref="CallCommand"/> that another instance forwarded: the action's handler answers exactly as its
/// endpoint would, and that answer (status, headers that matter, body) is captured for the trip back.
/// </summary>
public sealed class CallCommandExecutor(
    IEnumerable<CallCommandHandler> handlers, IServiceScopeFactory scopes, ILogger<CallCommandExecutor> logger)
{
    private readonly FrozenDictionary<string, CallCommandHandler> _handlers =
        handlers.DistinctBy(h => h.Action, StringComparer.Ordinal).ToFrozenDictionary(h => h.Action, StringComparer.Ordinal);

    public async Task<CallCommandReply> ExecuteAsync(CallCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!_handlers.TryGetValue(command.Action, out var handler))
        {
            ClusterLog.UnknownAction(logger, command.Action);
            return CallCommandReplies.Problem(StatusCodes.Status501NotImplemented, "Unknown action",
                "The owning instance does not know this action; it may run another version.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider, RequestAborted = cancellationToken };
        if (command.PublicBaseUrl is { } baseUrl && Uri.TryCreate(baseUrl, UriKind.Absolute, out var publicBase))
        {
            // The receiving instance's view of the public URL, for actions that name it to a provider (transfer).
            context.Request.Scheme = publicBase.Scheme;
            context.Request.Host = new HostString(publicBase.Authority);
            context.Request.PathBase = new PathString(publicBase.AbsolutePath.TrimEnd('/'));
        }

        if (command.Arguments is { } arguments)
        {
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(arguments), writable: false);
        }

        using var body = new MemoryStream();
        context.Response.Body = body;
        var result = await handler.Handle(command, context).ConfigureAwait(false);
        await result.ExecuteAsync(context).ConfigureAwait(false);
        var location = context.Response.Headers.Location.ToString();
        return new CallCommandReply(
            context.Response.StatusCode,
            context.Response.ContentType,
            location.Length == 0 ? null : location,
            body.Length == 0 ? null : System.Text.Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length));
    }
}
