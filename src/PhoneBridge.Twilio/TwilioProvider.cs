namespace PhoneBridge.Twilio;

/// <summary>The provider's name in the registry, the media URL (<c>/twilio/media/...</c>) and the logs.</summary>
internal static class TwilioProvider
{
    public const string Name = "twilio";
}
