using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// What a Twilio call status (https://www.twilio.com/docs/voice/api/call-resource#statuscallback) does to a call this
/// instance holds, whether the callback reached this instance or another one forwarded it. A call that ends before
/// its media stream connected (<c>busy</c>, <c>no-answer</c>, <c>failed</c>, <c>canceled</c>, or <c>completed</c>
/// while still ringing) is ended with Twilio's status as the reason and its registration released, so its media URL
/// is dead and the edge call hears <c>phone.call</c> ended at once instead of after the ring timeout. Once the media
/// flows the stream's <c>stop</c> ends the call, so a status then is only noted; <c>answered</c> stays the media
/// stream's to announce.
/// </summary>
internal static class TwilioCallStatus
{
    /// <summary>Twilio's statuses of a call that is over.</summary>
    public static bool IsFinal(string status) => status is "completed" or "busy" or "failed" or "no-answer" or "canceled";

    /// <summary>Whether <paramref name="status"/> is one Twilio documents for a call (anything else is refused with 400).</summary>
    public static bool IsKnown(string status) =>
        IsFinal(status) || status is "queued" or "initiated" or "ringing" or "in-progress";

    /// <summary>Applies <paramref name="status"/> to <paramref name="call"/> and logs what it did (one line).</summary>
    /// <returns>True when the call was ended by it.</returns>
    public static bool Apply(
        CallDirectory directory, ICallRegistry registry, LiveCall call, string status, string sequenceNumber, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(call);
        if (IsFinal(status) && call.State == CallState.Ringing)
        {
            // Ended here first so the phone.call event carries Twilio's status rather than the registry's "released".
            directory.End(call.CallId, status);
            registry.Release(call.CallId);
            TwilioStatusEndpointLog.CallEndedBeforeMedia(logger, call.CallId, status);
            return true;
        }

        call.Timeline.Add(directory.Time.GetUtcNow(), "status", "twilio " + status);
        TwilioStatusEndpointLog.StatusNoted(logger, call.CallId, status, sequenceNumber, call.State.ToString());
        return false;
    }
}
