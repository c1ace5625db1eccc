using PhoneBridge.Audio;

namespace PhoneBridge.Core.Edge;

/// <summary>
/// The handler an edge session is joined with before anyone can take its audio: until <see cref="Attach"/>, remote
/// audio and resumes go nowhere (a null check per frame, nothing allocated) and a hangup request is kept, so an
/// edge call that asked to end the phone call before the phone arrived still ends it once attached.
/// </summary>
internal sealed class LateBoundEdgeHandler : IEdgeSessionHandler, IAudioFrameSink
{
    private readonly Lock _gate = new();
    private IAudioFrameSink? _audio;
    private IEdgeSessionHandler? _target;
    private string? _pendingHangup;

    /// <summary>This handler itself, so the edge reads one sink at join time that forwards once attached.</summary>
    public IAudioFrameSink RemoteAudio => this;

    public bool IsAttached => Volatile.Read(ref _target) is not null;

    public void OnFrame(ReadOnlySpan<short> frame) => Volatile.Read(ref _audio)?.OnFrame(frame);

    public void OnRemoteAudioResumed() => Volatile.Read(ref _target)?.OnRemoteAudioResumed();

    public void OnHangupRequested(string reason)
    {
        IEdgeSessionHandler? target;
        lock (_gate)
        {
            target = _target;
            if (target is null)
            {
                _pendingHangup ??= reason;
                return;
            }
        }

        target.OnHangupRequested(reason);
    }

    /// <summary>
    /// From now on the session's remote audio, resumes and hangup requests go to <paramref name="target"/>; a hangup
    /// asked for before is delivered now. Once only.
    /// </summary>
    public void Attach(IEdgeSessionHandler target)
    {
        ArgumentNullException.ThrowIfNull(target);
        string? hangup;
        lock (_gate)
        {
            if (_target is not null)
            {
                throw new InvalidOperationException("The edge session is already attached.");
            }

            Volatile.Write(ref _audio, target.RemoteAudio);
            Volatile.Write(ref _target, target);
            hangup = _pendingHangup;
        }

        if (hangup is not null)
        {
            target.OnHangupRequested(hangup);
        }
    }
}
