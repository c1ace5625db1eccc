using PhoneBridge.Audio;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// One listener of a call's mix (see <see cref="ICallListenIn"/>). Disposing it stops the frames; <see cref="Ended"/>
/// completes when either the listener is disposed or the call's media ends.
/// </summary>
public sealed class CallListener : IDisposable
{
    /// <summary>Listeners one call takes at most; <see cref="ICallListenIn.AddListener"/> refuses more.</summary>
    public const int MaxPerCall = 4;

    private readonly Action<CallListener> _remove;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal CallListener(IAudioFrameSink sink, Action<CallListener> remove)
    {
        Sink = sink;
        _remove = remove;
    }

    /// <summary>Where the mix goes.</summary>
    public IAudioFrameSink Sink { get; }

    /// <summary>Completes when the listener is removed: disposed, or the call's media ended.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Removes the listener; idempotent.</summary>
    public void Dispose()
    {
        _remove(this);
        _ended.TrySetResult();
    }

    /// <summary>The call's media is over; the listener gets no more frames.</summary>
    internal void CallEnded() => _ended.TrySetResult();
}
