namespace PhoneBridge.Telnyx.Rest;

/// <summary>
/// Told when queued Call Control work finishes, so the worker can update the calls it serves without knowing how
/// they are tracked (the calls side depends on this client, not the other way round).
/// </summary>
internal interface ITelnyxCommandObserver
{
    /// <summary>Telnyx accepted the answer of <paramref name="answer"/>'s call.</summary>
    void OnAnswered(TelnyxAnswerWork answer);

    /// <summary>The answer failed for good (after the client's retries).</summary>
    void OnAnswerFailed(TelnyxAnswerWork answer);
}
