namespace PhoneBridge.Telnyx.Media;

/// <summary>The <c>event</c> of a message on the Telnyx media socket.</summary>
internal enum TelnyxMediaEvent : byte
{
    Unknown,
    Connected,
    Start,
    Media,
    Dtmf,
    Mark,
    Stop,
    Error,
}
