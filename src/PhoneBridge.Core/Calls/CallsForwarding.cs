using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Recording;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// The <c>/calls/{callId}/…</c> actions as commands another instance can forward to the call's owner: the same
/// handlers the endpoints call, so the owner answers a forwarded request exactly as it answers its own.
/// </summary>
internal static class CallsForwarding
{
    public const string Get = "calls.get";
    public const string HangUp = "calls.hangup";
    public const string Transfer = "calls.transfer";
    public const string Dtmf = "calls.dtmf";
    public const string Hold = "calls.hold";
    public const string Unhold = "calls.unhold";
    public const string RecordingStart = "calls.recording.start";
    public const string RecordingStop = "calls.recording.stop";

    private static readonly OwnerForwarding WithoutBody = new(CallIdOf, IsHeldHere, ByOwner: true, WithBody: false);
    private static readonly OwnerForwarding WithBody = WithoutBody with { WithBody = true };

    /// <summary>Forwards the endpoint's requests for calls another instance owns (after the API key was checked).</summary>
    public static RouteHandlerBuilder ForwardCall(this RouteHandlerBuilder builder, string action) =>
        builder.ForwardToOwner(action, action is Transfer or Dtmf ? WithBody : WithoutBody);

    /// <summary><c>GET /calls</c> lists every instance's calls when several share Redis.</summary>
    public static RouteHandlerBuilder ListAcrossInstances(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(new CallListAcrossInstances());

    public static IServiceCollection AddCallsCommands(this IServiceCollection services)
    {
        services.AddCallCommand(CallListAcrossInstances.Action, (_, http) => CallListAcrossInstances.ListHere(http));
        services.AddCallCommand(Get, (c, http) => Task.FromResult<IResult>(CallsEndpoints.Get(
            c.Key, Need<CallDirectory>(http), Need<IOptionsMonitor<CallListOptions>>(http), Need<CallControl>(http))));
        services.AddCallCommand(HangUp, async (c, http) => await CallsEndpoints.HangUpAsync(
            c.Key, Need<CallDirectory>(http), Need<CallControl>(http), http.RequestAborted).ConfigureAwait(false));
        services.AddCallCommand(Transfer, async (c, http) => await CallsEndpoints.TransferAsync(
            c.Key, http.Request, Need<CallDirectory>(http), Need<CallControl>(http), Need<PublicUrlResolver>(http), http.RequestAborted).ConfigureAwait(false));
        services.AddCallCommand(Dtmf, async (c, http) => await CallsEndpoints.SendDtmfAsync(
            c.Key, http.Request, Need<CallDirectory>(http), Need<CallControl>(http), http.RequestAborted).ConfigureAwait(false));
        services.AddCallCommand(Hold, (c, http) => Task.FromResult<IResult>(CallsEndpoints.Hold(c.Key, Need<CallDirectory>(http), Need<CallControl>(http))));
        services.AddCallCommand(Unhold, (c, http) => Task.FromResult<IResult>(CallsEndpoints.Unhold(c.Key, Need<CallDirectory>(http), Need<CallControl>(http))));
        services.AddCallCommand(RecordingStart, (c, http) => Task.FromResult<IResult>(CallsEndpoints.StartRecording(
            c.Key, Need<CallDirectory>(http), Need<CallRecorder>(http), Need<CallControl>(http))));
        services.AddCallCommand(RecordingStop, (c, http) => Task.FromResult<IResult>(CallsEndpoints.StopRecording(
            c.Key, Need<CallDirectory>(http), Need<CallRecorder>(http), Need<CallControl>(http))));
        return services;
    }

    private static string? CallIdOf(HttpContext http) => http.Request.RouteValues["callId"] as string;

    private static bool IsHeldHere(HttpContext http, string callId) => Need<CallDirectory>(http).TryGet(callId, out _);

    private static T Need<T>(HttpContext http) where T : notnull => http.RequestServices.GetRequiredService<T>();
}
