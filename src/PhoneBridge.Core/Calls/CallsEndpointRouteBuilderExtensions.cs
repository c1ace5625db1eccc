using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Core.Calls;

public static class CallsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// The provider-neutral management API (PhoneBridge API key, JSON, problem details): <c>GET /calls</c>,
    /// <c>GET /calls/{callId}</c>, <c>POST /calls</c> (dial into a Stream call), and
    /// <c>POST /calls/{callId}/hangup|transfer|dtmf|hold|unhold</c> and <c>/recording/start|stop</c>. Needs <see cref="CallsServiceCollectionExtensions.AddCalls"/>.
    /// </summary>
    public static RouteGroupBuilder MapCalls(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // The problem filter goes first so it wraps the API-key filter and sees its 401.
        var calls = endpoints.MapGroup("/calls")
            .WithTags("Calls")
            .AddEndpointFilter<RouteGroupBuilder, UnauthorizedProblemFilter>()
            .LimitWebhookBody()
            .RequirePhoneBridgeApiKey();

        calls.MapGet("/", CallsEndpoints.List)
            .ListAcrossInstances()
            .WithName("ListCalls")
            .WithSummary("Lists the live calls (of every instance that answers in time, when several share Redis)")
            .WithDescription("Numbers are masked (***4567) unless Stream:ShowFullNumber is true.");
        calls.MapGet("/{callId}", CallsEndpoints.Get)
            .ForwardCall(CallsForwarding.Get)
            .WithName("GetCall")
            .WithSummary("One live call with its media counters")
            .ProducesProblem(StatusCodes.Status404NotFound);
        calls.MapPost("/", CallsEndpoints.DialAsync)
            .DescribeRequestBody<CallDialRequest>("application/json")
            .WithName("DialCall")
            .WithSummary("Places an outbound call through Twilio or Telnyx whose audio joins a Stream call")
            .WithDescription("Without streamCallId the call gets a new Stream call named like an incoming one; with it the phone joins that call (type \"default\" unless streamCallType is given). 202 with the new callId; 400 for a bad number, an unknown or unconfigured provider, bad Stream ids, a timeout out of range or recording asked for without PhoneBridge:Recording:Directory; 502 when the provider refuses or cannot be reached.")
            .ProducesProblem(StatusCodes.Status502BadGateway);
        calls.MapPost("/{callId}/hangup", CallsEndpoints.HangUpAsync)
            .ForwardCall(CallsForwarding.HangUp)
            .WithName("HangUpCall")
            .WithSummary("Hangs up a call through its provider; the bridge leaves the Stream call at once")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        calls.MapPost("/{callId}/transfer", CallsEndpoints.TransferAsync)
            .ForwardCall(CallsForwarding.Transfer)
            .DescribeRequestBody<CallTransferRequest>("application/json")
            .WithName("TransferCall")
            .WithSummary("Cold transfer (the caller leaves for the destination) or warm transfer (the destination is dialled into the same Stream call)")
            .WithDescription("Progress is told in the Stream call as phone.transfer events (started, ringing, answered, completed, failed). 409 when the call is not answered yet, has ended, is being transferred already or is itself a warm-transfer leg, or has no phone network behind it (a browser call); 503 when the provider's call control is not configured; 502 when the provider refuses (the call goes on).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        calls.MapPost("/{callId}/dtmf", CallsEndpoints.SendDtmfAsync)
            .ForwardCall(CallsForwarding.Dtmf)
            .DescribeRequestBody<CallDtmfRequest>("application/json")
            .WithName("SendCallDtmf")
            .WithSummary("Plays DTMF digits to the phone (through the provider, or as in-band tones)")
            .WithDescription("409 when in-band tones are needed and the call's media has not started; 429 when its tone queue is full.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status502BadGateway);
        calls.MapPost("/{callId}/hold", CallsEndpoints.Hold)
            .ForwardCall(CallsForwarding.Hold)
            .WithName("HoldCall")
            .WithSummary("Puts the caller on hold: hold audio to the phone, nothing of the caller into the Stream call")
            .ProducesProblem(StatusCodes.Status404NotFound);
        calls.MapPost("/{callId}/unhold", CallsEndpoints.Unhold)
            .ForwardCall(CallsForwarding.Unhold)
            .WithName("UnholdCall")
            .WithSummary("Takes the caller off hold")
            .ProducesProblem(StatusCodes.Status404NotFound);
        calls.MapPost("/{callId}/recording/start", CallsEndpoints.StartRecording)
            .ForwardCall(CallsForwarding.RecordingStart)
            .WithName("StartCallRecording")
            .WithSummary("Starts recording the call: a stereo WAV (caller, what the caller heard) and a JSON sidecar named by the call id")
            .WithDescription("Told in the Stream call as phone.recording events (started, stopped, failed). 409 when the call's media has not started or it is already being recorded; 503 when PhoneBridge:Recording:Directory is not configured.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        calls.MapPost("/{callId}/recording/stop", CallsEndpoints.StopRecording)
            .ForwardCall(CallsForwarding.RecordingStop)
            .WithName("StopCallRecording")
            .WithSummary("Stops recording the call; the files are finished shortly after")
            .WithDescription("409 when the call is not being recorded.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return calls;
    }
}
