using Microsoft.AspNetCore.Http.HttpResults;

namespace PhoneBridge.Samples.TwilioOutboundAgent;

/// <summary>
/// Twilio's call progress callback (signed like the voice webhook). By default Twilio posts only the final
/// status, which is all this app needs to know when to exit.
/// </summary>
public static class StatusCallback
{
    public const string Path = "/twilio/status";

    private static readonly HashSet<string> FinalStatuses = new(StringComparer.Ordinal)
    {
        "completed", "busy", "no-answer", "failed", "canceled",
    };

    public static NoContent Handle(HttpRequest request, PlacedCall call, IHostApplicationLifetime lifetime, ILogger<PlacedCall> logger)
    {
        var form = request.Form;
        var sid = form["CallSid"].ToString();
        var status = form["CallStatus"].ToString();
        if (sid.Length > 0 && sid == call.CallSid && FinalStatuses.Contains(status))
        {
            Log.CallEnded(logger, sid, status);
            call.MarkEnded(status);
            lifetime.StopApplication();
        }

        return TypedResults.NoContent();
    }
}
