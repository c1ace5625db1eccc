using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Twilio.Calls;
using PhoneBridge.Twilio.Media;
using PhoneBridge.Twilio.Security;
using PhoneBridge.Twilio.Voice;

namespace PhoneBridge.Twilio;

public static class TwilioEndpointRouteBuilderExtensions
{
    /// <summary>
    /// <c>POST /twilio/voice</c> (signed webhook → TwiML), <c>/twilio/media/{callId}/{token}</c> (signed, tokenized
    /// media socket), and the API-key guarded <c>POST /twilio/calls</c> and <c>DELETE /twilio/calls/{callSid}</c>.
    /// With <c>Twilio:Enabled=false</c> the group stays empty, so those paths are 404. Bodies are limited to
    /// <c>PhoneBridge:Server:MaxWebhookBytes</c>; failed authentications count toward the per-address limit.
    /// </summary>
    public static RouteGroupBuilder MapTwilio(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var twilio = endpoints.MapGroup("/twilio");
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<TwilioOptions>>().Value.Enabled)
        {
            return twilio;
        }

        twilio.MapPost("/voice", VoiceEndpoint.HandleAsync)
            .LimitWebhookBody()
            .ValidateTwilioSignature()
            .WithName("TwilioVoiceWebhook");

        // Map, not MapGet: WebSocket upgrades over HTTP/2 arrive as CONNECT.
        twilio.Map("/media/{callId}/{token}", MediaEndpoint.HandleAsync)
            .ValidateTwilioSignature()
            .WithName("TwilioMediaSocket");

        var calls = twilio.MapGroup("/calls").LimitWebhookBody().RequirePhoneBridgeApiKey();
        calls.MapPost("/", CallsEndpoints.CreateAsync).WithName("TwilioCreateCall");
        calls.MapDelete("/{callSid}", CallsEndpoints.HangUpAsync).WithName("TwilioHangUpCall");
        calls.MapPost("/{callSid}/transfer", CallsEndpoints.TransferAsync).WithName("TwilioTransferCall");

        return twilio;
    }
}
