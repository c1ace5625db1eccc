namespace PhoneBridge.Core.Phone;

/// <summary>
/// A phone stream ended because its peer went quiet: no <c>start</c> in time, or no answer to keep-alive pings. The
/// socket is already closed; the bridge reports it (with the call id the stream does not know) and ends the call.
/// </summary>
public sealed class PhoneStreamTimeoutException : TimeoutException
{
    public PhoneStreamTimeoutException(PhoneStreamTimeout kind, TimeSpan? after)
        : base(kind == PhoneStreamTimeout.Start
            ? "The phone sent no start message in time."
            : "The phone stopped answering keep-alive pings.")
    {
        Kind = kind;
        After = after;
    }

    public PhoneStreamTimeout Kind { get; }

    /// <summary>The deadline that passed, when the stream knows it (the keep-alive timeout is the server's).</summary>
    public TimeSpan? After { get; }
}
