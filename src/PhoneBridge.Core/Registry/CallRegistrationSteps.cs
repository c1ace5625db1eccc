using System.Diagnostics;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Telemetry;

namespace PhoneBridge.Core.Registry;

/// <summary>
/// What every call registry does with a registration before storing it, in memory or shared: check the request, name
/// the call and its edge call, start the call's trace, and how long the call may wait for its media socket.
/// </summary>
public static class CallRegistrationSteps
{
    /// <summary>
    /// The call's <see cref="CallInfo"/> at <paramref name="now"/>: its id (given or new), its edge call (given, as
    /// <paramref name="edge"/> names it, or local) and the trace parent of the <c>call.register</c> span started here,
    /// which the caller ends when the registration is done. Throws <see cref="ArgumentException"/> for a bad request.
    /// </summary>
    public static CallInfo Describe(CallRegistrationRequest request, DateTimeOffset now, IEdge? edge, out Activity? registerSpan)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CallId is not null && !CallIds.IsValidCallId(request.CallId))
        {
            throw new ArgumentException(
                $"Call id must be 1-{CallIds.MaxCallIdLength} characters of A-Z, a-z, 0-9, '-', '_' or '.'.",
                nameof(request));
        }

        if (request.ExpectedSampleRate is <= 0)
        {
            throw new ArgumentException("The expected sample rate must be positive.", nameof(request));
        }

        if (request.RingTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException("The ring timeout must not be negative.", nameof(request));
        }

        var callId = request.CallId ?? CallIds.NewCallId();
        var edgeCall = request.EdgeCall ?? edge?.AddressFor(callId) ?? new EdgeCallAddress("local", callId);
        registerSpan = CallTracing.StartRegister(request, callId, out var traceParent);
        return new CallInfo(
            callId, request.Provider, request.ProviderCallId, request.From, request.To, now, request.Direction, edgeCall, request.LinkedCallId,
            request.ExpectedSampleRate, request.CustomParameters, request.StirVerstat, traceParent);
    }

    /// <summary>A dialled call's media stream opens only once it is answered, so its ring time comes on top.</summary>
    public static TimeSpan WaitForMedia(CallRegistrationRequest request, TimeSpan connectTimeout)
    {
        ArgumentNullException.ThrowIfNull(request);
        return connectTimeout + (request.RingTimeout ?? TimeSpan.Zero);
    }

    /// <summary>Starts the prepare step (the agent launch) off the webhook's thread, in the call's trace.</summary>
    public static Task<object?> StartPrepare(Func<CallInfo, CancellationToken, Task<object?>> prepare, CallInfo info, CancellationToken ct) =>
        CallTracing.StartAgentLaunch(prepare, info, ct);
}
