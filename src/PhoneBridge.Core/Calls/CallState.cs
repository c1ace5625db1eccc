namespace PhoneBridge.Core.Calls;

/// <summary>Where a call is in its life, as the management API and the <c>phone.call</c> event name it.</summary>
public enum CallState
{
    /// <summary>Registered: the provider is ringing the phone (outbound) or opening the media socket (inbound).</summary>
    Ringing,

    /// <summary>The media stream has started: audio flows.</summary>
    Answered,

    /// <summary>Over; the call leaves the directory.</summary>
    Ended,
}
