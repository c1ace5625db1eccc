using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// <c>POST /twilio/amd</c>: Twilio's <c>AsyncAmdStatusCallback</c> for calls placed with <c>machineDetection</c>
/// (https://www.twilio.com/docs/voice/answering-machine-detection). Finds the call by its CallSid, keeps the verdict
/// on it and tells its edge call with <c>phone.amd</c>.
/// </summary>
/// <remarks>
/// Every signed callback that names a CallSid is answered 204: Twilio only looks at the status of a status callback,
/// and anything but 2xx makes it log an error (and may retry). A CallSid we do not know (the call ended meanwhile, or
/// another instance placed it) is logged once and still answered 204, since a retry could never find it either.
/// </remarks>
internal static class TwilioAmdEndpoint
{
    public const string Path = "/" + TwilioProvider.Name + "/amd";

    public static async Task<Results<NoContent, BadRequest<string>>> HandleAsync(
        HttpRequest request,
        CallDirectory directory,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(TwilioAmdEndpoint).FullName!);
        if (!request.HasFormContentType)
        {
            TwilioAmdEndpointLog.AmdCallbackMalformed(logger);
            return TypedResults.BadRequest("Expected a form-encoded Twilio AMD status callback.");
        }

        // The signature filter has read the form already; this returns the cached collection.
        var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var callSid = form["CallSid"].ToString();
        var answeredBy = form["AnsweredBy"].ToString();
        if (callSid.Length == 0 || answeredBy.Length == 0)
        {
            TwilioAmdEndpointLog.AmdCallbackMalformed(logger);
            return TypedResults.BadRequest("CallSid and AnsweredBy are required.");
        }

        var duration = form["MachineDetectionDuration"].ToString();
        if (!directory.TryFindByProviderCallId(TwilioProvider.Name, callSid, out var call))
        {
            // Another instance may hold the call's media; it records the verdict.
            if (!await TwilioAmdForwarding.ForwardAsync(request.HttpContext, callSid, answeredBy, duration, cancellationToken).ConfigureAwait(false))
            {
                TwilioAmdEndpointLog.AmdForUnknownCall(logger, callSid, answeredBy);
            }

            return TypedResults.NoContent();
        }

        Record(directory, call, answeredBy, duration, logger);
        return TypedResults.NoContent();
    }

    /// <summary>Keeps the verdict on the call and tells its edge call with <c>phone.amd</c>; logged when it is new.</summary>
    public static void Record(CallDirectory directory, LiveCall call, string answeredBy, string duration, ILogger logger)
    {
        var amd = CallAmd.Of(MapAnsweredBy(answeredBy), answeredBy);
        if (directory.ReportAmd(call, amd))
        {
            TwilioAmdEndpointLog.AmdResult(logger, call.CallId, amd.Result, amd.ProviderResult, duration);
        }
    }

    /// <summary>
    /// Twilio's <c>AnsweredBy</c> in the bridge's words: <c>human</c>; <c>machine_start</c> and the
    /// <c>machine_end_beep</c> / <c>_silence</c> / <c>_other</c> of <c>DetectMessageEnd</c> are a machine; <c>fax</c>;
    /// <c>unknown</c> and anything Twilio may add later are unknown.
    /// </summary>
    public static string MapAnsweredBy(string answeredBy) => answeredBy switch
    {
        "human" => CallAmd.Human,
        "machine_start" or "machine_end_beep" or "machine_end_silence" or "machine_end_other" => CallAmd.Machine,
        "fax" => CallAmd.Fax,
        _ => CallAmd.Unknown,
    };
}
