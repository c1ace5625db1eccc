namespace PhoneBridge.Core.Calls;

/// <summary>Who dialled: the caller dialled our number, or we placed the call.</summary>
public enum CallDirection
{
    Inbound,
    Outbound,
}
