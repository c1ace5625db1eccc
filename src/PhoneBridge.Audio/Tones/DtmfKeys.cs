namespace PhoneBridge.Audio.Tones;

/// <summary>
/// The sixteen DTMF keys and their ITU-T Q.23 frequency pairs: a row (low group) and a column (high group) tone.
/// </summary>
public static class DtmfKeys
{
    /// <summary>Every key, in the order of <see cref="LowHz"/> rows × <see cref="HighHz"/> columns (row-major).</summary>
    public const string All = "123A456B789C*0#D";

    /// <summary>The low-group (row) frequencies.</summary>
    public static ReadOnlySpan<double> LowHz => [697, 770, 852, 941];

    /// <summary>The high-group (column) frequencies.</summary>
    public static ReadOnlySpan<double> HighHz => [1209, 1336, 1477, 1633];

    /// <summary>The position of <paramref name="key"/> in <see cref="All"/>, or -1 when it is not a DTMF key.</summary>
    public static int IndexOf(char key) => All.IndexOf(key, StringComparison.Ordinal);

    /// <summary>The key at <paramref name="row"/> and <paramref name="column"/> (0–3 each).</summary>
    public static char At(int row, int column) => All[(row * 4) + column];
}
