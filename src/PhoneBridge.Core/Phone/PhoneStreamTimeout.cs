namespace PhoneBridge.Core.Phone;

/// <summary>What a phone's media socket failed to do in time.</summary>
public enum PhoneStreamTimeout
{
    /// <summary>No <c>start</c> message within the start deadline after the upgrade.</summary>
    Start,

    /// <summary>No pong to the server's keep-alive ping within the keep-alive timeout.</summary>
    KeepAlive,
}
