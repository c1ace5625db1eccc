namespace PhoneBridge.Twilio.Media;

/// <summary>Limits of one media socket.</summary>
public sealed record TwilioMediaStreamOptions
{
    /// <summary>Largest inbound message; a larger one closes the socket with 1009 (message too big).</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024;

    /// <summary>Outbound messages queued before the oldest is dropped.</summary>
    public int SendQueueCapacity { get; init; } = 500;

    /// <summary>How long closing waits for the send queue to flush and for Twilio to answer the close.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the socket may go without <c>start</c> before it is closed with 1008 (the endpoint passes
    /// <c>PhoneBridge:Registry:StartTimeout</c>); <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.
    /// </summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
