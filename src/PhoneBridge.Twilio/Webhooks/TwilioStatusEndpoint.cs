using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// <c>POST /twilio/status</c>: Twilio's <c>StatusCallback</c> for calls the bridge places
/// (https://www.twilio.com/docs/voice/api/call-resource#statuscallback). Finds the call by its CallSid and applies
/// the status (<see cref="TwilioCallStatus"/>); a call held by another instance gets it through the cluster.
/// </summary>
/// <remarks>
/// Every signed callback with a CallSid and a known CallStatus is answered 204, known call or not: Twilio only looks at
/// the status code, and a retry could never find a call that has gone.
/// </remarks>
internal static class TwilioStatusEndpoint
{
    public const string Path = "/" + TwilioProvider.Name + "/status";

    public static async Task<Results<NoContent, BadRequest<string>>> HandleAsync(
        HttpRequest request,
        CallDirectory directory,
        ICallRegistry registry,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(TwilioStatusEndpoint).FullName!);
        if (!request.HasFormContentType)
        {
            TwilioStatusEndpointLog.StatusCallbackMalformed(logger);
            return TypedResults.BadRequest("Expected a form-encoded Twilio status callback.");
        }

        // The signature filter has read the form already; this returns the cached collection.
        var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var callSid = form["CallSid"].ToString();
        var status = form["CallStatus"].ToString();
        if (callSid.Length == 0 || !TwilioCallStatus.IsKnown(status))
        {
            TwilioStatusEndpointLog.StatusCallbackMalformed(logger);
            return TypedResults.BadRequest("CallSid and a CallStatus Twilio documents are required.");
        }

        var sequence = form["SequenceNumber"].ToString();
        if (!directory.TryFindByProviderCallId(TwilioProvider.Name, callSid, out var call))
        {
            // Another instance may hold the call (its media, or its registration while it rings).
            if (!await TwilioStatusForwarding.ForwardAsync(request.HttpContext, callSid, status, sequence, cancellationToken).ConfigureAwait(false))
            {
                TwilioStatusEndpointLog.StatusForUnknownCall(logger, callSid, status);
            }

            return TypedResults.NoContent();
        }

        TwilioCallStatus.Apply(directory, registry, call, status, sequence, logger);
        return TypedResults.NoContent();
    }
}
