namespace PhoneBridge.Rtc.Ice;

/// <summary>ICE could not establish or keep connectivity.</summary>
public sealed class IceException : Exception
{
    public IceException()
    {
    }

    public IceException(string message)
        : base(message)
    {
    }

    public IceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
