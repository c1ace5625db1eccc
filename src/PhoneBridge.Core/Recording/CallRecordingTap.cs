using PhoneBridge.Core.Bridge.Pipeline;

namespace PhoneBridge.Core.Recording;

/// <summary>
/// The recording taps of one call's media pipeline: <see cref="Caller"/> in the phone-to-edge direction (the caller
/// as received, before hold keeps it from the edge call), <see cref="Heard"/> in the edge-to-phone direction (after
/// hold audio and tones, what the caller hears). It counts the caller's frames, the clock of the recording (see
/// <see cref="StereoTimeline"/>), and while a recording is attached copies each frame into its bounded queue: one
/// volatile read when not recording, no lock and no allocation either way.
/// </summary>
internal sealed class CallRecordingTap
{
    private long _callerFrames;
    private volatile CallRecording? _recording;

    public CallRecordingTap()
    {
        Caller = new CallerTap(this);
        Heard = new HeardTap(this);
    }

    /// <summary>The phone-to-edge stage.</summary>
    public AudioStage Caller { get; }

    /// <summary>The edge-to-phone stage.</summary>
    public AudioStage Heard { get; }

    /// <summary>Caller frames that passed <see cref="Caller"/> since the call started.</summary>
    public long CallerFrames => Volatile.Read(ref _callerFrames);

    /// <summary>The recording frames go to, if any.</summary>
    public CallRecording? Recording => _recording;

    public void Attach(CallRecording recording) => _recording = recording;

    /// <summary>Stops copying frames into <paramref name="recording"/> if it is still the attached one.</summary>
    public void Detach(CallRecording recording) => Interlocked.CompareExchange(ref _recording, null, recording);

    /// <summary>A key the caller pressed, noted in the recording's sidecar.</summary>
    public void OnDtmf(char digit) => _recording?.NoteDtmf(digit, CallerFrames);

    private sealed class CallerTap(CallRecordingTap tap) : AudioStage
    {
        public override string Name => "record-caller";

        public override void OnFrame(ReadOnlySpan<short> frame)
        {
            // Only the phone's receive loop runs this stage, so the count needs no interlocked increment.
            var tick = tap._callerFrames;
            tap._recording?.OnCallerFrame(frame, tick);
            Volatile.Write(ref tap._callerFrames, tick + 1);
            Next.OnFrame(frame);
        }
    }

    private sealed class HeardTap(CallRecordingTap tap) : AudioStage
    {
        public override string Name => "record-heard";

        public override void OnFrame(ReadOnlySpan<short> frame)
        {
            tap._recording?.OnHeardFrame(frame, tap.CallerFrames);
            Next.OnFrame(frame);
        }
    }
}
