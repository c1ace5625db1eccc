using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Registry;
using PhoneBridge.Twilio.Rest;
using PhoneBridge.Twilio.Voice;

namespace PhoneBridge.Twilio.Calls;

/// <summary>Our management API for outbound calls: place one (<c>POST /twilio/calls</c>) and end one (<c>DELETE /twilio/calls/{callSid}</c>).</summary>
internal static class CallsEndpoints
{
    public static async Task<Results<Created<OutboundCallResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        OutboundCallRequest body,
        HttpRequest request,
        ICallRegistry registry,
        PublicUrlResolver urls,
        TwilioRestClient twilio,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!twilio.IsConfigured)
        {
            return NotConfigured();
        }

        var errors = Validate(body);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var registration = registry.Register(new CallRegistrationRequest(VoiceEndpoint.Provider, From: body.From, To: body.To));
        try
        {
            var mediaUrl = urls.GetMediaUrl(request, VoiceEndpoint.Provider, registration.CallId, registration.Token);
            var twiml = Twiml.ConnectStream(mediaUrl, [new("callId", registration.CallId)]);
            var call = await twilio.CreateCallAsync(body.To!, body.From!, twiml, body.StatusCallback, cancellationToken).ConfigureAwait(false);
            TwilioLog.OutboundCallPlaced(loggers.CreateLogger(typeof(CallsEndpoints).FullName!), registration.CallId, call.Sid, call.Status);
            return TypedResults.Created(
                $"/twilio/calls/{Uri.EscapeDataString(call.Sid)}",
                new OutboundCallResponse(registration.CallId, call.Sid, call.Status));
        }
        catch (TwilioApiException e)
        {
            registry.Release(registration.CallId);
            return FromTwilioError(e);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            registry.Release(registration.CallId);
            return TypedResults.Problem(
                title: "Twilio API unreachable",
                detail: e.Message,
                statusCode: StatusCodes.Status502BadGateway);
        }
        catch
        {
            registry.Release(registration.CallId);
            throw;
        }
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> HangUpAsync(
        string callSid,
        TwilioRestClient twilio,
        CancellationToken cancellationToken)
    {
        if (!twilio.IsConfigured)
        {
            return NotConfigured();
        }

        if (!TwilioRestClient.IsCallSid(callSid))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["callSid"] = ["Expected CA followed by 32 hex digits."] });
        }

        try
        {
            // Already ended (20404) is the state the caller asked for, so it is a success too.
            await twilio.HangUpAsync(callSid, cancellationToken).ConfigureAwait(false);
            return TypedResults.NoContent();
        }
        catch (TwilioApiException e)
        {
            return FromTwilioError(e);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Problem(title: "Twilio API unreachable", detail: e.Message, statusCode: StatusCodes.Status502BadGateway);
        }
    }

    private static Dictionary<string, string[]> Validate(OutboundCallRequest body)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.To))
        {
            errors["to"] = ["Required."];
        }

        if (string.IsNullOrWhiteSpace(body.From))
        {
            errors["from"] = ["Required."];
        }

        if (!string.IsNullOrWhiteSpace(body.StatusCallback)
            && !(Uri.TryCreate(body.StatusCallback, UriKind.Absolute, out var callback) && (callback.Scheme == Uri.UriSchemeHttps || callback.Scheme == Uri.UriSchemeHttp)))
        {
            errors["statusCallback"] = ["Must be an absolute http or https URL."];
        }

        return errors;
    }

    private static ProblemHttpResult NotConfigured() =>
        TypedResults.Problem(
            title: "Twilio is not configured",
            detail: "Set Twilio:AccountSid and Twilio:AuthToken (or TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN).",
            statusCode: StatusCodes.Status503ServiceUnavailable);

    /// <summary>Twilio's client errors (bad number, unverified caller id) are the caller's to fix; anything else is a gateway failure.</summary>
    private static ProblemHttpResult FromTwilioError(TwilioApiException e)
    {
        var status = e.HttpStatus is >= 400 and < 500 and not 401 and not 403
            ? StatusCodes.Status400BadRequest
            : StatusCodes.Status502BadGateway;
        return TypedResults.Problem(
            title: "Twilio refused the request",
            detail: e.TwilioMessage ?? e.Message,
            statusCode: status,
            type: e.MoreInfo,
            extensions: new Dictionary<string, object?>
            {
                ["twilioCode"] = e.Code,
                ["twilioStatus"] = e.HttpStatus,
            });
    }
}
