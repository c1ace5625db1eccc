using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Dashboard.Live;

/// <summary>
/// <c>GET /dashboard/events</c>: the live call list as server-sent events, <c>snapshot</c> first, then <c>delta</c>s at
/// most every <see cref="DashboardOptions.UpdateInterval"/>. Ends when the client goes or falls behind, or the server
/// stops (so an open page never holds up the shutdown that hangs up the calls).
/// </summary>
internal static class CallListEvents
{
    public static async Task StreamAsync(
        HttpContext context, CallListFeed feed, IOptionsMonitor<DashboardOptions> options, IHostApplicationLifetime lifetime, ILogger<CallListFeed> logger)
    {
        var subscription = feed.Subscribe();
        if (subscription is null)
        {
            DashboardLog.EventStreamsFull(logger, options.CurrentValue.MaxEventStreams);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, subscription.Dropped, lifetime.ApplicationStopping);
        var cancellationToken = stop.Token;
        try
        {
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-store";
            response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await response.WriteAsync("retry: 1000\n\n", cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            await foreach (var message in subscription.Events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await response.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page went away, fell behind and was dropped, or the server is stopping: this connection is over.
        }
        finally
        {
            feed.Unsubscribe(subscription);
        }
    }
}
