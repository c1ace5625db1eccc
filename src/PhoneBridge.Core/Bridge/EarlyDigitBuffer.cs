using PhoneBridge.Core.Edge;

namespace PhoneBridge.Core.Bridge;

/// <summary>
/// Keys the caller presses while the edge joins (a caller answering a menu early), delivered in order once the
/// session is live; after that each digit goes straight to the session. Holds at most <see cref="Capacity"/>.
/// </summary>
internal sealed class EarlyDigitBuffer
{
    public const int Capacity = 16;

    private readonly char[] _digits = new char[Capacity];
    private readonly Lock _gate = new();
    private int _count;
    private volatile IEdgeSession? _live;

    /// <summary>Sends <paramref name="digit"/>, or holds it until <see cref="GoLive"/>; false when it was dropped (buffer full).</summary>
    public bool Send(char digit)
    {
        var live = _live;
        if (live is null)
        {
            lock (_gate)
            {
                live = _live;
                if (live is null)
                {
                    if (_count == Capacity)
                    {
                        return false;
                    }

                    _digits[_count++] = digit;
                    return true;
                }
            }
        }

        live.SendDtmf(digit);
        return true;
    }

    /// <summary>Delivers the held digits to <paramref name="session"/> in order, then sends straight to it.</summary>
    public void GoLive(IEdgeSession session)
    {
        lock (_gate)
        {
            for (var i = 0; i < _count; i++)
            {
                session.SendDtmf(_digits[i]);
            }

            _count = 0;
            _live = session;
        }
    }

    /// <summary>Stops sending to the session; later digits are held (and dropped once full).</summary>
    public void Release()
    {
        lock (_gate)
        {
            _live = null;
        }
    }
}
