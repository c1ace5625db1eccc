namespace PhoneBridge.Rtc.Rtp;

/// <summary>One RFC 8285 header extension element.</summary>
public readonly ref struct RtpExtensionElement
{
    public RtpExtensionElement(int id, ReadOnlySpan<byte> data)
    {
        Id = id;
        Data = data;
    }

    public int Id { get; }

    public ReadOnlySpan<byte> Data { get; }
}

/// <summary>
/// Walks the elements of a one-byte or two-byte header extension, skipping padding. A truncated element ends
/// the walk (the rest of the block is ignored rather than trusted).
/// </summary>
public ref struct RtpExtensionEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly RtpExtensionFormat _format;
    private int _offset;
    private RtpExtensionElement _current;

    internal RtpExtensionEnumerator(ReadOnlySpan<byte> data, RtpExtensionFormat format)
    {
        _data = data;
        _format = format;
        _offset = 0;
        _current = default;
    }

    public readonly RtpExtensionElement Current => _current;

    public readonly RtpExtensionEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        while (_offset < _data.Length)
        {
            byte first = _data[_offset];
            if (first == 0)
            {
                _offset++;
                continue;
            }

            int id;
            int length;
            int start;
            if (_format == RtpExtensionFormat.OneByte)
            {
                id = first >> 4;
                if (id == 15)
                {
                    // RFC 8285 §4.2: id 15 is reserved and stops processing of the block.
                    _offset = _data.Length;
                    return false;
                }

                length = (first & 0x0F) + 1;
                start = _offset + 1;
            }
            else if (_format == RtpExtensionFormat.TwoByte)
            {
                if (_offset + 2 > _data.Length)
                {
                    break;
                }

                id = first;
                length = _data[_offset + 1];
                start = _offset + 2;
            }
            else
            {
                break;
            }

            if (start + length > _data.Length)
            {
                break;
            }

            _current = new RtpExtensionElement(id, _data.Slice(start, length));
            _offset = start + length;
            return true;
        }

        _offset = _data.Length;
        return false;
    }
}
