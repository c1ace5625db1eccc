namespace PhoneBridge.Twilio.Media;

/// <summary>The <c>event</c> values of Twilio's Media Streams protocol.</summary>
internal enum TwilioMediaEvent
{
    None,
    Unknown,
    Connected,
    Start,
    Media,
    Dtmf,
    Mark,
    Stop,
}
