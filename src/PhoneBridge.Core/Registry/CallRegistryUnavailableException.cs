namespace PhoneBridge.Core.Registry;

/// <summary>
/// A shared call registry could not be reached (Redis down, timed out). The registry has logged it once; a webhook
/// answers 503 so the provider retries or fails over, never 500.
/// </summary>
public sealed class CallRegistryUnavailableException : Exception
{
    public CallRegistryUnavailableException()
        : this("The call registry is unavailable.")
    {
    }

    public CallRegistryUnavailableException(string message)
        : base(message)
    {
    }

    public CallRegistryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
