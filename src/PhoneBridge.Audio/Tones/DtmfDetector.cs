namespace PhoneBridge.Audio.Tones;

/// <summary>
/// Hears DTMF keys in PCM16 audio at 8 or 16 kHz: feed it frames (of any length) in order, and it raises
/// <see cref="KeyDetected"/> once per key press, in order.
/// </summary>
/// <remarks>
/// <para>
/// The audio is cut into blocks of 12.75 ms (102 samples at 8 kHz, 204 at 16 kHz: a 78 Hz resolution, so each
/// Q.23 frequency has its own bin), and Goertzel filters measure the eight Q.23 frequencies and their second
/// harmonics over each block. A block holds a key when
/// </para>
/// <list type="bullet">
/// <item>the strongest row and the strongest column tone are each at least <see cref="MinLevelDbm0"/>;</item>
/// <item>the twist is within limits: the row tone at most 8 dB louder than the column tone ("normal" twist, as
/// lines lose more at high frequencies), the column tone at most 4 dB louder than the row tone ("reverse");</item>
/// <item>each of the two is at least 6 dB above every other tone of its group;</item>
/// <item>the two tones carry at least 75 % of the block's energy, and neither has a strong second harmonic
/// (speech and music have harmonics and spread their energy; a DTMF pair does neither).</item>
/// </list>
/// <para>
/// While a key is held, a block only needs its pair to be the strongest and above the minimum level to continue
/// it, so that a dropout of up to 10 ms, which smears the blocks it cuts into, does not split one press into two.
/// </para>
/// <para>
/// A key is reported once it holds for two blocks in a row (25.5 ms, so any tone of 40 ms or more is heard
/// whatever its alignment to the blocks, and blips under 25 ms are not), and released after two blocks without
/// it, so a 40 ms pause is enough to hear the same key twice. Nothing is allocated after construction; not
/// thread-safe.
/// </para>
/// </remarks>
public sealed class DtmfDetector : IAudioFrameSink
{
    /// <summary>Weakest tone accepted, per tone.</summary>
    public const double MinLevelDbm0 = -30;

    private const int BlockSamplesAt8k = 102;
    private const int Filters = 16;
    private const int HitsToReport = 2;
    private const int MissesToRelease = 2;

    private static readonly double NormalTwist = Math.Pow(10, 8 / 10.0);
    private static readonly double ReverseTwist = Math.Pow(10, 4 / 10.0);
    private static readonly double Dominance = Math.Pow(10, 6 / 10.0);
    private const double MinShareOfEnergy = 0.75;

    // A row tone's second harmonic can land within a bin or two of a column tone (2 × 697 = 1394 Hz between 1336
    // and 1477), where the filter hears the column tone instead; it is checked only for the columns 150 Hz or more
    // away from it, and must be 10 dB down. Column harmonics (2.4–3.3 kHz) have no tone nearby: 15 dB down.
    private const double RowHarmonicClearanceHz = 150;
    private static readonly double RowHarmonic = Math.Pow(10, -10 / 10.0);
    private static readonly double ColumnHarmonic = Math.Pow(10, -15 / 10.0);

    // Filters 0–3 rows, 4–7 columns, 8–15 their second harmonics in the same order.
    private readonly double[] _coefficient = new double[Filters];
    private readonly double[] _s1 = new double[Filters];
    private readonly double[] _s2 = new double[Filters];
    private readonly double[] _energy = new double[Filters];
    private readonly bool[] _rowHarmonicClear = new bool[16];
    private readonly int _blockSamples;
    private readonly double _minEnergy;

    private int _inBlock;
    private double _blockEnergy;
    private char _candidate;
    private int _hits;
    private int _misses;
    private char _current;

    /// <param name="sampleRate">8000 or 16000.</param>
    public DtmfDetector(int sampleRate)
    {
        if (sampleRate is not (8000 or 16000))
        {
            throw new ArgumentException($"The DTMF detector takes 8000 or 16000 Hz audio, got {sampleRate}.", nameof(sampleRate));
        }

        SampleRate = sampleRate;
        _blockSamples = BlockSamplesAt8k * sampleRate / 8000;
        for (var i = 0; i < 4; i++)
        {
            _coefficient[i] = Coefficient(DtmfKeys.LowHz[i], sampleRate);
            _coefficient[i + 4] = Coefficient(DtmfKeys.HighHz[i], sampleRate);
            _coefficient[i + 8] = Coefficient(2 * DtmfKeys.LowHz[i], sampleRate);
            _coefficient[i + 12] = Coefficient(2 * DtmfKeys.HighHz[i], sampleRate);
            for (var column = 0; column < 4; column++)
            {
                _rowHarmonicClear[(i * 4) + column] = Math.Abs((2 * DtmfKeys.LowHz[i]) - DtmfKeys.HighHz[column]) >= RowHarmonicClearanceHz;
            }
        }

        // A sine of amplitude A carries A²/2 per sample.
        var amplitude = DtmfToneGenerator.ZeroDbm0Peak * Math.Pow(10, MinLevelDbm0 / 20);
        _minEnergy = _blockSamples * amplitude * amplitude / 2;
    }

    /// <summary>Raised on the caller's thread for each key heard, once per press, in order.</summary>
    public event Action<char>? KeyDetected;

    public int SampleRate { get; }

    /// <summary>The key being held now, or <c>'\0'</c>.</summary>
    public char Current => _current;

    /// <summary>Feeds the next samples; any length, in order.</summary>
    public void Process(ReadOnlySpan<short> samples)
    {
        var coefficient = _coefficient.AsSpan();
        var s1 = _s1.AsSpan();
        var s2 = _s2.AsSpan();
        foreach (var sample in samples)
        {
            double x = sample;
            _blockEnergy += x * x;
            for (var k = 0; k < Filters; k++)
            {
                var s0 = (coefficient[k] * s1[k]) - s2[k] + x;
                s2[k] = s1[k];
                s1[k] = s0;
            }

            if (++_inBlock == _blockSamples)
            {
                EndBlock();
            }
        }
    }

    /// <inheritdoc cref="Process"/>
    public void OnFrame(ReadOnlySpan<short> frame) => Process(frame);

    /// <summary>Forgets everything heard so far, as if new.</summary>
    public void Reset()
    {
        Array.Clear(_s1);
        Array.Clear(_s2);
        _inBlock = 0;
        _blockEnergy = 0;
        _candidate = '\0';
        _hits = 0;
        _misses = 0;
        _current = '\0';
    }

    private static double Coefficient(double hz, int sampleRate) => 2 * Math.Cos(2 * Math.PI * hz / sampleRate);

    private void EndBlock()
    {
        // |X|² of each filter, scaled by 2/N to the energy (sum of squares) the tone contributes to the block.
        for (var k = 0; k < Filters; k++)
        {
            var power = (_s1[k] * _s1[k]) + (_s2[k] * _s2[k]) - (_coefficient[k] * _s1[k] * _s2[k]);
            _energy[k] = 2 * power / _blockSamples;
            _s1[k] = 0;
            _s2[k] = 0;
        }

        var key = Classify(_blockEnergy);
        _inBlock = 0;
        _blockEnergy = 0;
        Track(key);
    }

    private char Classify(double blockEnergy)
    {
        var row = Strongest(0);
        var column = Strongest(4);
        var rowEnergy = _energy[row];
        var columnEnergy = _energy[column + 4];
        if (rowEnergy < _minEnergy || columnEnergy < _minEnergy)
        {
            return '\0';
        }

        // A key being held goes on while its pair is still the strongest and loud enough: a block that a short
        // dropout cuts into smears its spectrum and would fail the checks below, splitting one press into two.
        var key = DtmfKeys.At(row, column);
        if (key == _current)
        {
            return key;
        }

        if (rowEnergy > columnEnergy * NormalTwist || columnEnergy > rowEnergy * ReverseTwist
            || rowEnergy + columnEnergy < MinShareOfEnergy * blockEnergy
            || (_rowHarmonicClear[(row * 4) + column] && _energy[row + 8] > rowEnergy * RowHarmonic)
            || _energy[column + 12] > columnEnergy * ColumnHarmonic)
        {
            return '\0';
        }

        for (var i = 0; i < 4; i++)
        {
            if ((i != row && _energy[i] * Dominance > rowEnergy) || (i != column && _energy[i + 4] * Dominance > columnEnergy))
            {
                return '\0';
            }
        }

        return key;
    }

    private int Strongest(int first)
    {
        var best = 0;
        for (var i = 1; i < 4; i++)
        {
            if (_energy[first + i] > _energy[first + best])
            {
                best = i;
            }
        }

        return best;
    }

    private void Track(char key)
    {
        _hits = key != '\0' && key == _candidate ? _hits + 1 : key != '\0' ? 1 : 0;
        _candidate = key;
        if (_current != '\0')
        {
            if (key == _current)
            {
                _misses = 0;
                return;
            }

            if (++_misses < MissesToRelease)
            {
                return;
            }

            _current = '\0';
            _misses = 0;
        }

        if (_hits >= HitsToReport)
        {
            _current = key;
            KeyDetected?.Invoke(key);
        }
    }
}
