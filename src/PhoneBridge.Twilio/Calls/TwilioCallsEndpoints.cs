using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using PhoneBridge.Core.Admission;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Twilio.Rest;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Twilio.Calls;

/// <summary>
/// Our management API for Twilio calls: place one (<c>POST /twilio/calls</c>), end one
/// (<c>DELETE /twilio/calls/{callSid}</c>) and transfer one (<c>POST /twilio/calls/{callSid}/transfer</c>).
/// </summary>
internal static class TwilioCallsEndpoints
{
    public static async Task<Results<Created<OutboundCallResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        OutboundCallRequest body,
        HttpRequest request,
        PublicUrlResolver urls,
        TwilioOutboundCalls calls,
        CallAdmission admission,
        CancellationToken cancellationToken)
    {
        if (!calls.IsConfigured)
        {
            return NotConfigured();
        }

        var errors = Validate(body);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Like POST /calls: not while draining or at the limits (the slot is held until the call is registered).
        using var admitted = admission.Admit(TwilioProvider.Name);
        if (admitted.Verdict != AdmissionVerdict.Admitted)
        {
            return CallAdmission.Unavailable(request.HttpContext.Response, admitted.Verdict);
        }

        try
        {
            var publicBaseUrl = new Uri(urls.GetBaseUrl(request), UriKind.Absolute);
            // Twilio takes one status callback: the client's own, else ours, which ends a call nobody answered at once.
            var statusCallback = string.IsNullOrWhiteSpace(body.StatusCallback)
                ? TwilioOutboundCalls.StatusCallbackUrl(publicBaseUrl).AbsoluteUri
                : body.StatusCallback;
            var call = await calls.PlaceCallAsync(body.To!, body.From!, statusCallback, publicBaseUrl, cancellationToken).ConfigureAwait(false);
            return TypedResults.Created(
                $"/twilio/calls/{Uri.EscapeDataString(call.CallSid)}",
                new OutboundCallResponse(call.CallId, call.CallSid, call.Status));
        }
        catch (TwilioApiException e)
        {
            return FromTwilioError(e);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Problem(
                title: "Twilio API unreachable",
                detail: e.Message,
                statusCode: StatusCodes.Status502BadGateway);
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

    /// <summary>
    /// Redirects the live call to <c>&lt;Dial&gt;</c> TwiML: it leaves its media stream (the bridge sees the socket
    /// close) and Twilio connects the caller to <see cref="TransferCallRequest.To"/>. Not retried by the HTTP
    /// pipeline, since a repeated redirect would dial the target again.
    /// </summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> TransferAsync(
        string callSid,
        TransferCallRequest body,
        TwilioRestClient twilio,
        CancellationToken cancellationToken)
    {
        if (!twilio.IsConfigured)
        {
            return NotConfigured();
        }

        var errors = new Dictionary<string, string[]>();
        if (!TwilioRestClient.IsCallSid(callSid))
        {
            errors["callSid"] = ["Expected CA followed by 32 hex digits."];
        }

        if (string.IsNullOrWhiteSpace(body.To))
        {
            errors["to"] = ["Required."];
        }
        else if (body.To.StartsWith("sip:", StringComparison.OrdinalIgnoreCase)
            && !(Uri.TryCreate(body.To, UriKind.Absolute, out var sip) && sip.AbsolutePath.Contains('@', StringComparison.Ordinal)))
        {
            errors["to"] = ["Not a valid sip:user@host address."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            await twilio.RedirectAsync(callSid, Twiml.Dial(body.To!, body.CallerId), cancellationToken).ConfigureAwait(false);
            return TypedResults.NoContent();
        }
        catch (TwilioApiException e) when (TwilioRestClient.IsNotFound(e))
        {
            return TypedResults.Problem(
                title: "No such live call",
                detail: "Twilio does not know this call, or it has already ended.",
                statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["twilioCode"] = e.Code, ["twilioStatus"] = e.HttpStatus });
        }
        catch (TwilioApiException e)
        {
            return FromTwilioError(e);
        }
        catch (ArgumentException e)
        {
            // TwiML over Twilio's 4000-character limit (a very long address).
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = [e.Message] });
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
            detail: "Set Twilio:AccountSid and Twilio:AuthToken or Twilio:ApiKeySid/ApiKeySecret (or TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN).",
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
