namespace PhoneBridge.Core.Calls;

/// <summary>
/// A provider's REST API refused a request or could not be reached. The management API answers it with 502 and the
/// provider's own code and message; nothing the request would have changed is left half done.
/// </summary>
public abstract class PhoneProviderException : Exception
{
    protected PhoneProviderException()
    {
    }

    protected PhoneProviderException(string message)
        : base(message)
    {
    }

    protected PhoneProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>"twilio" or "telnyx".</summary>
    public abstract string Provider { get; }

    /// <summary>HTTP status the provider answered with; null when no answer arrived (timeout, connection refused).</summary>
    public abstract int? ProviderStatus { get; }

    /// <summary>The provider's error code (Twilio <c>21211</c>, Telnyx <c>90018</c>), when it gave one.</summary>
    public abstract string? ProviderCode { get; }

    /// <summary>The provider's error text, safe to show to the API client (never echoes phone numbers).</summary>
    public abstract string? ProviderMessage { get; }
}
