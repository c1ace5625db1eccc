using PhoneBridge.Audio.Tones;

namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>
/// First edge-to-phone stage after the gate: while the call is held, the caller hears the hold audio instead of
/// the remote mix (the loop starts over at each hold). It also enters <see cref="CallMediaControl.EdgeSide"/> for
/// the rest of the chain and tells the control when a frame came from the edge rather than from
/// <see cref="EdgeSilenceFill"/>.
/// </summary>
internal sealed class HoldAudioStage(CallMediaControl control, EdgeSilenceFill fill) : AudioStage
{
    private HoldAudioSource? _source;
    private short[] _frame = [];
    private bool _playing;

    public override string Name => "hold-audio";

    /// <summary>Takes this call's loop of the hold audio and sizes its frame, once the phone's format is known.</summary>
    public void Start(int sampleRate, int frameSamples)
    {
        var source = control.HoldAudio.CreateSource(sampleRate);
        lock (control.EdgeSide)
        {
            _source = source;
            _frame = new short[frameSamples];
        }
    }

    public override void OnFrame(ReadOnlySpan<short> frame)
    {
        lock (control.EdgeSide)
        {
            if (!fill.IsFilling)
            {
                control.RemoteFrame();
            }

            if (!control.IsHeld || _source is null)
            {
                _playing = false;
                Next.OnFrame(frame);
                return;
            }

            if (!_playing)
            {
                _source.Restart();
                _playing = true;
            }

            // A frame longer than the phone's goes out in frames of the phone's size.
            for (var offset = 0; offset < frame.Length; offset += _frame.Length)
            {
                var part = _frame.AsSpan(0, Math.Min(_frame.Length, frame.Length - offset));
                _source.Fill(part);
                Next.OnFrame(part);
            }
        }
    }
}
