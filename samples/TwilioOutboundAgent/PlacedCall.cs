namespace PhoneBridge.Samples.TwilioOutboundAgent;

/// <summary>The call this app placed, shared by the dialer and the status callback.</summary>
public sealed class PlacedCall
{
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Twilio's SID of the call, once Twilio accepted it.</summary>
    public string? CallSid { get; set; }

    /// <summary>Completes with Twilio's final status (<c>completed</c>, <c>busy</c>, <c>no-answer</c>, …).</summary>
    public Task<string> Ended => _ended.Task;

    public void MarkEnded(string status) => _ended.TrySetResult(status);
}
