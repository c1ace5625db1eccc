using System.Diagnostics;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Telemetry;

/// <summary>
/// The <c>PhoneBridge</c> activity source and the spans of one call, all in one trace: the webhook's request span,
/// then <see cref="Register"/>, <see cref="AgentLaunch"/>, <see cref="Media"/> (the media socket, which arrives as
/// another request and is joined to the call's trace through <see cref="CallInfo.TraceParent"/>), <see cref="EdgeJoin"/>,
/// <see cref="FirstAudio"/> and <see cref="End"/>. Spans carry the call id, provider and direction, never a number.
/// Without a listener (tracing off) no span is created and nothing is allocated.
/// </summary>
public static class CallTracing
{
    public const string SourceName = "PhoneBridge";

    public const string Register = "call.register";
    public const string AgentLaunch = "call.agent_launch";
    public const string Media = "call.media";
    public const string EdgeJoin = "call.edge_join";
    public const string FirstAudio = "call.first_audio";
    public const string End = "call.end";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>
    /// Starts the registration span under the webhook's request span (or under <paramref name="request"/>'s own
    /// <see cref="CallRegistrationRequest.TraceParent"/>), and returns the context the call's later spans join: the
    /// given one, the current request's, or this span's when there is neither. Null when nothing traces.
    /// </summary>
    public static Activity? StartRegister(CallRegistrationRequest request, string callId, out string? traceParent)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parent = request.TraceParent ?? Activity.Current?.Id;
        var activity = Parse(parent) is { } context
            ? Source.StartActivity(Register, ActivityKind.Internal, context)
            : Source.StartActivity(Register, ActivityKind.Internal);
        traceParent = parent ?? activity?.Id;
        if (activity is not null)
        {
            activity.SetTag(TagNames.CallId, callId);
            activity.SetTag(TagNames.Provider, request.Provider);
            activity.SetTag(TagNames.CallDirection, TagNames.DirectionValue(request.Direction));
        }

        return activity;
    }

    /// <summary>
    /// Starts a span of <paramref name="call"/>'s trace: under the current span when there is one (inside the call's
    /// own spans), else under the call's carried <see cref="CallInfo.TraceParent"/>, linked to the current request.
    /// </summary>
    public static Activity? StartCallSpan(string name, CallInfo call, ActivityKind kind = ActivityKind.Internal)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!Source.HasListeners())
        {
            return null;
        }

        var current = Activity.Current;
        Activity? activity;
        if (current is not null && current.Source == Source)
        {
            activity = Source.StartActivity(name, kind);
        }
        else if (Parse(call.TraceParent) is { } context)
        {
            // The media socket is its own request: the span joins the call's trace and links back to that request.
            var links = current is null ? null : new[] { new ActivityLink(current.Context) };
            activity = Source.StartActivity(name, kind, context, links: links);
        }
        else
        {
            activity = Source.StartActivity(name, kind);
        }

        if (activity is not null)
        {
            activity.SetTag(TagNames.CallId, call.CallId);
            activity.SetTag(TagNames.Provider, call.Provider);
            activity.SetTag(TagNames.CallDirection, TagNames.DirectionValue(call.Direction));
        }

        return activity;
    }

    /// <summary>
    /// Starts the registration's prepare step (the agent launch) inside its span, off the webhook's thread (the step's
    /// synchronous part may be slow). The span begins here, within the registration, so it precedes the media socket
    /// in the trace however soon the provider connects; a failure marks it.
    /// </summary>
    public static Task<object?> StartAgentLaunch(Func<CallInfo, CancellationToken, Task<object?>> prepare, CallInfo info, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prepare);
        var registering = Activity.Current;
        var span = StartCallSpan(AgentLaunch, info);
        // The task captures the launch span as its current activity (its HTTP requests nest under it); the
        // registration goes on under its own.
        var launch = Task.Run(() => RunInAsync(span, prepare, info, ct), CancellationToken.None);
        Activity.Current = registering;
        return launch;
    }

    private static async Task<object?> RunInAsync(Activity? span, Func<CallInfo, CancellationToken, Task<object?>> prepare, CallInfo info, CancellationToken ct)
    {
        using (span)
        {
            try
            {
                return await prepare(info, ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                span?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
                throw;
            }
        }
    }

    private static ActivityContext? Parse(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : null;
}
