using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Admission;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// <c>POST /twilio/voice</c>: registers the incoming call (with its <c>StirVerstat</c> and <c>Twilio:StreamParameters</c>)
/// and answers with a two-way stream to its media URL carrying our call id and those parameters. Admission control
/// comes first: over a limit the call is rejected as busy (<c>&lt;Reject reason="busy"/&gt;</c>) and never registered;
/// while draining the webhook gets 503 with <c>Retry-After</c>, so Twilio tries the number's fallback URL; 503 too
/// when a shared call registry cannot be reached.
/// </summary>
internal static class TwilioWebhookEndpoint
{
    public static async Task<Results<ContentHttpResult, BadRequest<string>, ProblemHttpResult, StatusCodeHttpResult>> HandleAsync(
        HttpRequest request,
        ICallRegistry registry,
        PublicUrlResolver urls,
        IOptionsMonitor<TwilioOptions> options,
        ILoggerFactory loggers,
        CallAdmission admission,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(TwilioWebhookEndpoint).FullName!);
        if (!request.HasFormContentType)
        {
            TwilioWebhookEndpointLog.VoiceWebhookWithoutCallSid(logger);
            return TypedResults.BadRequest("Expected a form-encoded Twilio voice webhook.");
        }

        // The signature filter has read the form already; this returns the cached collection.
        var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var callSid = form["CallSid"].ToString();
        if (string.IsNullOrEmpty(callSid))
        {
            TwilioWebhookEndpointLog.VoiceWebhookWithoutCallSid(logger);
            return TypedResults.BadRequest("CallSid is missing.");
        }

        // The admission slot is held until the call is registered (the end of this method).
        using var admitted = admission.Admit(TwilioProvider.Name);
        switch (admitted.Verdict)
        {
            case AdmissionVerdict.Draining:
                return CallAdmission.Unavailable(request.HttpContext.Response, AdmissionVerdict.Draining);
            case AdmissionVerdict.TooManyCalls or AdmissionVerdict.CpuTooHigh:
                return TypedResults.Text(Twiml.RejectBusy(), Twiml.ContentType, Encoding.UTF8);
        }

        // Configured parameters go into the TwiML and, already now, into the call's metadata: Twilio echoes them only
        // when the media stream starts, and the phone user is written before that.
        var parameters = StreamParameters.Of(options.CurrentValue.StreamParameters);
        CallRegistration registration;
        try
        {
            registration = await registry.RegisterAsync(
                new CallRegistrationRequest(
                    TwilioProvider.Name,
                    ProviderCallId: callSid,
                    From: NullIfEmpty(form["From"].ToString()),
                    To: NullIfEmpty(form["To"].ToString()),
                    ExpectedSampleRate: PhoneAudioFormat.MuLaw8k.SampleRate,
                    CustomParameters: parameters,
                    StirVerstat: NullIfEmpty(form["StirVerstat"].ToString())),
                cancellationToken).ConfigureAwait(false);
        }
        catch (CallRegistryUnavailableException)
        {
            // The shared registry logged it; 503 lets Twilio try the fallback URL instead of a 500.
            return TypedResults.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        TwilioWebhookEndpointLog.CallRegistered(logger, registration.CallId, callSid);

        var mediaUrl = urls.GetMediaUrl(request, TwilioProvider.Name, registration.CallId, registration.Token);
        var twiml = Twiml.ConnectStream(mediaUrl, StreamParameters.WithCallId(registration.CallId, parameters));
        return TypedResults.Text(twiml, Twiml.ContentType, Encoding.UTF8);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
