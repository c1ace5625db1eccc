namespace PhoneBridge.Core.Registry;

/// <summary>
/// The warm-up every registered call gets when its registration brings none of its own — e.g. asking an agent
/// server to join the call while the provider is still opening the media socket. Optional: with none registered,
/// calls have no prepare step.
/// </summary>
public interface ICallPreparer
{
    /// <summary>False when the preparer is registered but not configured; registrations then skip it.</summary>
    bool IsEnabled { get; }

    /// <summary>Runs for one call; the result reaches the bridge through <see cref="RegisteredCall.Prepared"/>.</summary>
    Task<object?> PrepareAsync(CallInfo call, CancellationToken cancellationToken);
}
