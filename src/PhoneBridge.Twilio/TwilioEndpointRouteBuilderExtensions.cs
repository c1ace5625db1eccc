using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Phone;
using PhoneBridge.Twilio.Calls;
using PhoneBridge.Twilio.Media;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Twilio;

public static class TwilioEndpointRouteBuilderExtensions
{
    /// <summary>
    /// <c>POST /twilio/voice</c> (signed webhook → TwiML), <c>POST /twilio/amd</c> (signed AMD verdict), <c>POST /twilio/status</c> (signed call status), <c>/twilio/media/{callId}/{token}</c> (signed, tokenized
    /// media socket), and the API-key guarded <c>POST /twilio/calls</c> and <c>DELETE /twilio/calls/{callSid}</c>.
    /// With <c>Twilio:Enabled=false</c> the group stays empty, so those paths are 404. Bodies are limited to
    /// <c>PhoneBridge:Server:MaxWebhookBytes</c>; failed authentications count toward the per-address limit.
    /// </summary>
    public static RouteGroupBuilder MapTwilio(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var twilio = endpoints.MapGroup("/" + TwilioProvider.Name).WithTags("Twilio");
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<TwilioOptions>>().Value.Enabled)
        {
            return twilio;
        }

        twilio.MapPost("/voice", TwilioWebhookEndpoint.HandleAsync)
            .LimitWebhookBody()
            .ValidateTwilioSignature()
            .DescribeRequestBody<TwilioVoiceWebhookForm>("application/x-www-form-urlencoded")
            .WithName("TwilioVoiceWebhook")
            .WithSummary("Twilio voice webhook: registers the call and answers with TwiML that connects a two-way media stream")
            .WithDescription("Paste {public URL}/twilio/voice into the number's \"A call comes in\" webhook (HTTP POST).");

        twilio.MapPost("/amd", TwilioAmdEndpoint.HandleAsync)
            .LimitWebhookBody()
            .ValidateTwilioSignature()
            .DescribeRequestBody<TwilioAmdWebhookForm>("application/x-www-form-urlencoded")
            .WithName("TwilioAmdStatusCallback")
            .WithSummary("Twilio asynchronous answering-machine detection callback: the verdict becomes the call's amd and a phone.amd event")
            .WithDescription("Named by the bridge as AsyncAmdStatusCallback when POST /calls asks for machineDetection; 204 for every signed callback with a CallSid and AnsweredBy, known call or not.");

        twilio.MapPost("/status", TwilioStatusEndpoint.HandleAsync)
            .LimitWebhookBody()
            .ValidateTwilioSignature()
            .DescribeRequestBody<TwilioStatusWebhookForm>("application/x-www-form-urlencoded")
            .WithName("TwilioStatusCallback")
            .WithSummary("Twilio call status callback: a placed call that ends before its media connects (busy, no-answer, failed, canceled) is ended with that reason")
            .WithDescription("Named by the bridge as StatusCallback (events initiated, ringing, answered, completed) on the calls it places; 204 for every signed callback with a CallSid and a documented CallStatus, known call or not.");

        // Map, not MapGet: WebSocket upgrades over HTTP/2 arrive as CONNECT.
        twilio.Map("/media/{callId}/{token}", TwilioMediaEndpoint.HandleAsync)
            .ValidateTwilioSignature()
            .WithMetadata(WebSocketEndpointMetadata.Instance)
            .WithName("TwilioMediaSocket")
            .WithSummary("Twilio media stream (WebSocket): the URL the TwiML names, valid for one connection")
            .WithDescription("Twilio's Media Streams protocol (connected, start, media, mark, dtmf, stop; we send media, mark and clear). " + PhoneMediaEndpoint.ResponsesDescription + " A bad X-Twilio-Signature (when Twilio:ValidateMediaSignature is on) is 403 before the token is looked at.");

        var calls = twilio.MapGroup("/calls").LimitWebhookBody().RequirePhoneBridgeApiKey();
        calls.MapPost("/", TwilioCallsEndpoints.CreateAsync)
            .WithName("TwilioCreateCall")
            .WithSummary("Places an outbound Twilio call whose audio is bridged like an incoming one");
        calls.MapDelete("/{callSid}", TwilioCallsEndpoints.HangUpAsync)
            .WithName("TwilioHangUpCall")
            .WithSummary("Hangs up a Twilio call by its CallSid");
        calls.MapPost("/{callSid}/transfer", TwilioCallsEndpoints.TransferAsync)
            .WithName("TwilioTransferCall")
            .WithSummary("Redirects a live Twilio call to <Dial> TwiML: the caller leaves the bridge for the destination");

        return twilio;
    }
}
