using System.Text;

namespace PhoneBridge.Simulator.Load;

/// <summary>
/// A writer with one status line that is redrawn in place with <c>\r</c> on a terminal; anything else written
/// first wipes that line, so messages and the report never run into it. Off a terminal the status is written
/// as ordinary lines. Safe to use from several threads.
/// </summary>
public sealed class LiveLineWriter : TextWriter
{
    private readonly TextWriter _inner;
    private readonly Lock _lock = new();
    private int _shownLength;

    public LiveLineWriter(TextWriter inner, bool inPlace)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        InPlace = inPlace;
    }

    /// <summary>Whether the status line is redrawn in place (stdout is a terminal).</summary>
    public bool InPlace { get; }

    public override Encoding Encoding => _inner.Encoding;

    /// <summary>Shows <paramref name="status"/>: over the previous one in place, else as a new line.</summary>
    public void Show(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        lock (_lock)
        {
            if (InPlace)
            {
                // Pad over a longer previous status; the cursor stays on the line for the next redraw.
                _inner.Write("\r" + status.PadRight(_shownLength));
                _shownLength = status.Length;
            }
            else
            {
                _inner.WriteLine(status);
            }

            _inner.Flush();
        }
    }

    /// <summary>Leaves the status line on screen and moves below it.</summary>
    public void Keep()
    {
        lock (_lock)
        {
            if (_shownLength > 0)
            {
                _inner.WriteLine();
                _shownLength = 0;
            }
        }
    }

    public override void Write(char value)
    {
        lock (_lock)
        {
            Wipe();
            _inner.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            Wipe();
            _inner.Write(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_lock)
        {
            Wipe();
            _inner.Write(buffer, index, count);
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_lock)
        {
            Wipe();
            _inner.WriteLine(value);
        }
    }

    public override void Flush()
    {
        lock (_lock)
        {
            _inner.Flush();
        }
    }

    private void Wipe()
    {
        if (_shownLength > 0)
        {
            _inner.Write("\r" + new string(' ', _shownLength) + "\r");
            _shownLength = 0;
        }
    }
}
