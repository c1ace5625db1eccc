using Microsoft.Extensions.Logging;

namespace PhoneBridge.Twilio.Webhooks;

/// <summary>
/// Raises the Error about a refused media-upgrade signature once per process (one instance per host): if the
/// guess about the URL Twilio signs is wrong, every call fails the same way, and one clear line naming the
/// setting beats one per call.
/// </summary>
internal sealed class MediaSignatureAlarm(ILogger<MediaSignatureAlarm> logger)
{
    private int _raised;

    public bool HasRaised => Volatile.Read(ref _raised) != 0;

    public void Raise(SignatureFailure reason)
    {
        if (Interlocked.Exchange(ref _raised, 1) == 0)
        {
            MediaSignatureAlarmLog.MediaSignatureRefused(logger, reason);
        }
    }
}
