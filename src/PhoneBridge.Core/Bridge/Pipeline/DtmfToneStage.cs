using PhoneBridge.Audio.Tones;

namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>
/// Mixes queued DTMF tone strings into what the caller hears, one string after another, each key with its pause.
/// While a string plays, the remote audio under it is lowered by 6 dB so that a far-end detector, which wants the
/// tone pair to carry most of the energy it hears, is not put off by an agent talking over the tones.
/// Runs under <see cref="CallMediaControl.EdgeSide"/> (entered by <see cref="HoldAudioStage"/>).
/// </summary>
internal sealed class DtmfToneStage(CallMediaControl control) : AudioStage
{
    private DtmfToneGenerator? _tones;
    private short[] _frame = [];

    public override string Name => "dtmf-tones";

    /// <summary>Sizes the frame tones are mixed in, once the phone's format is known.</summary>
    public void Start(int frameSamples)
    {
        lock (control.EdgeSide)
        {
            _frame = new short[frameSamples];
        }
    }

    public override void OnFrame(ReadOnlySpan<short> frame)
    {
        var tones = _tones ??= _frame.Length > 0 && control.TonesQueued ? control.TakeTones() : null;
        if (tones is null)
        {
            Next.OnFrame(frame);
            return;
        }

        for (var offset = 0; offset < frame.Length; offset += _frame.Length)
        {
            var input = frame.Slice(offset, Math.Min(_frame.Length, frame.Length - offset));
            var part = _frame.AsSpan(0, input.Length);
            for (var i = 0; i < input.Length; i++)
            {
                part[i] = (short)(input[i] >> 1);
            }

            if (tones is not null && !tones.MixInto(part))
            {
                control.TonesPlayed(tones);
                tones = _tones = control.TonesQueued ? control.TakeTones() : null;
            }

            Next.OnFrame(part);
        }
    }
}
