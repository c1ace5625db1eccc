using System.Buffers.Binary;

namespace PhoneBridge.Rtc.Rtp;

/// <summary>
/// Builds an RTP packet in a caller-owned buffer: header, then optional CSRCs, then header extension elements,
/// then the payload written into <see cref="Payload"/>, finished by <see cref="Complete"/>. Allocation-free.
/// </summary>
public ref struct RtpPacketWriter
{
    private readonly Span<byte> _buffer;
    private int _offset;
    private int _extensionStart;
    private RtpExtensionFormat _format;
    private bool _payloadStarted;

    public RtpPacketWriter(Span<byte> buffer, in RtpHeader header)
    {
        if (buffer.Length < RtpHeader.FixedLength)
        {
            throw new ArgumentException("The buffer cannot hold an RTP header.", nameof(buffer));
        }

        _buffer = buffer;
        buffer[0] = RtpHeader.Version << 6;
        buffer[1] = (byte)((header.Marker ? 0x80 : 0) | (header.PayloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], header.SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], header.Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[8..], header.Ssrc);
        _offset = RtpHeader.FixedLength;
        _extensionStart = 0;
        _format = RtpExtensionFormat.None;
        _payloadStarted = false;
    }

    /// <summary>Adds a contributing source; all CSRCs come before any extension.</summary>
    public void AddCsrc(uint csrc)
    {
        int count = _buffer[0] & 0x0F;
        if (_format != RtpExtensionFormat.None || _payloadStarted || count == 15)
        {
            throw new InvalidOperationException("CSRCs go right after the fixed header, at most 15.");
        }

        EnsureRoom(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[_offset..], csrc);
        _offset += 4;
        _buffer[0] = (byte)((_buffer[0] & 0xF0) | (count + 1));
    }

    /// <summary>
    /// Adds a header extension element. The first element fixes the format: one-byte when <paramref name="id"/> is
    /// 1..14 and the data 1..16 bytes, two-byte otherwise (use <paramref name="twoByte"/> to force it).
    /// </summary>
    public void AddExtension(int id, scoped ReadOnlySpan<byte> data, bool twoByte = false)
    {
        if (_payloadStarted)
        {
            throw new InvalidOperationException("Extensions must be added before the payload.");
        }

        bool fitsOneByte = id is >= 1 and <= 14 && data.Length is >= 1 and <= 16;
        if (_format == RtpExtensionFormat.None)
        {
            EnsureRoom(4);
            _format = fitsOneByte && !twoByte ? RtpExtensionFormat.OneByte : RtpExtensionFormat.TwoByte;
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[_offset..], _format == RtpExtensionFormat.OneByte ? RtpPacket.OneByteProfile : RtpPacket.TwoByteProfile);
            _buffer[0] |= 0x10;
            _offset += 4;
            _extensionStart = _offset;
        }

        if (_format == RtpExtensionFormat.OneByte)
        {
            if (!fitsOneByte)
            {
                throw new ArgumentException("One-byte extension elements need id 1..14 and 1..16 data bytes.", nameof(id));
            }

            EnsureRoom(1 + data.Length);
            _buffer[_offset] = (byte)((id << 4) | (data.Length - 1));
            data.CopyTo(_buffer[(_offset + 1)..]);
            _offset += 1 + data.Length;
        }
        else
        {
            if (id is < 1 or > 255 || data.Length > 255)
            {
                throw new ArgumentException("Two-byte extension elements need id 1..255 and at most 255 data bytes.", nameof(id));
            }

            EnsureRoom(2 + data.Length);
            _buffer[_offset] = (byte)id;
            _buffer[_offset + 1] = (byte)data.Length;
            data.CopyTo(_buffer[(_offset + 2)..]);
            _offset += 2 + data.Length;
        }
    }

    /// <summary>Adds the RFC 6464 client-to-mixer audio level element.</summary>
    public void AddAudioLevel(int id, int levelDbov, bool voiceActivity)
    {
        Span<byte> value = [AudioLevelExtension.Encode(levelDbov, voiceActivity)];
        AddExtension(id, value);
    }

    /// <summary>Where the payload goes; closes the header (pads the extension block to 32 bits).</summary>
    public Span<byte> Payload
    {
        get
        {
            FinishHeader();
            return _buffer[_offset..];
        }
    }

    /// <summary>Header length so far (final once <see cref="Payload"/> was read).</summary>
    public readonly int HeaderLength => _offset;

    /// <summary>Finishes the packet after <paramref name="payloadLength"/> bytes were written to <see cref="Payload"/>.</summary>
    public int Complete(int payloadLength, int paddingLength = 0)
    {
        FinishHeader();
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        ArgumentOutOfRangeException.ThrowIfNegative(paddingLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(paddingLength, 255);
        int end = _offset + payloadLength;
        if (end + paddingLength > _buffer.Length)
        {
            throw new ArgumentException("The payload and padding do not fit the buffer.", nameof(payloadLength));
        }

        if (paddingLength > 0)
        {
            _buffer.Slice(end, paddingLength - 1).Clear();
            _buffer[end + paddingLength - 1] = (byte)paddingLength;
            _buffer[0] |= 0x20;
        }

        return end + paddingLength;
    }

    private void FinishHeader()
    {
        if (_payloadStarted)
        {
            return;
        }

        _payloadStarted = true;
        if (_format != RtpExtensionFormat.None)
        {
            int length = _offset - _extensionStart;
            int padded = (length + 3) & ~3;
            EnsureRoom(padded - length);
            _buffer.Slice(_offset, padded - length).Clear();
            _offset = _extensionStart + padded;
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[(_extensionStart - 2)..], (ushort)(padded / 4));
        }
    }

    private readonly void EnsureRoom(int bytes)
    {
        if (_offset + bytes > _buffer.Length)
        {
            throw new ArgumentException("The RTP header does not fit the buffer.");
        }
    }
}
