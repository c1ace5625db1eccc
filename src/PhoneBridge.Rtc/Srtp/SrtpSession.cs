using System.Buffers.Binary;

namespace PhoneBridge.Rtc.Srtp;

/// <summary>
/// SRTP/SRTCP for one DTLS-SRTP association: protects what this side sends and unprotects what the peer sends,
/// in place on caller-owned buffers, tracking per-SSRC rollover counters (RFC 3711 §3.3.1) and replay windows.
/// Each of the four operations keeps its own state, so they may run concurrently with one another, but each one
/// must be called by a single sender or receive loop at a time.
/// </summary>
public sealed class SrtpSession : IDisposable
{
    /// <summary>Remote streams tracked per session; an SFU forwards a handful, so more is treated as abuse.</summary>
    public const int MaxStreams = 64;

    private const int RtpHeaderLength = 12;
    private const int RtcpHeaderLength = 8;

    private readonly SrtpTransform _rtpOut;
    private readonly SrtpTransform _rtcpOut;
    private readonly SrtpTransform _rtpIn;
    private readonly SrtpTransform _rtcpIn;
    private readonly Dictionary<uint, ulong> _rtpOutHighest = [];
    private readonly Dictionary<uint, uint> _rtcpOutIndex = [];
    private readonly Dictionary<uint, ReplayState> _rtpInStreams = [];
    private readonly Dictionary<uint, ReplayState> _rtcpInStreams = [];

    private SrtpSession(SrtpProfile profile, SrtpTransform rtpOut, SrtpTransform rtcpOut, SrtpTransform rtpIn, SrtpTransform rtcpIn)
    {
        Profile = profile;
        _rtpOut = rtpOut;
        _rtcpOut = rtcpOut;
        _rtpIn = rtpIn;
        _rtcpIn = rtcpIn;
    }

    public SrtpProfile Profile { get; }

    /// <summary>Bytes <see cref="ProtectRtp"/> appends; the buffer must have this much room after the packet.</summary>
    public int RtpOverhead => Profile.RtpOverhead();

    /// <summary>Bytes <see cref="ProtectRtcp"/> appends.</summary>
    public int RtcpOverhead => Profile.RtcpOverhead();

    /// <summary>Creates the session for one side: the DTLS client sends with the client keys, the server with the server keys.</summary>
    public static SrtpSession Create(SrtpKeyingMaterial keys, bool isClient)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ReadOnlySpan<byte> localKey = isClient ? keys.ClientMasterKey : keys.ServerMasterKey;
        ReadOnlySpan<byte> localSalt = isClient ? keys.ClientMasterSalt : keys.ServerMasterSalt;
        ReadOnlySpan<byte> remoteKey = isClient ? keys.ServerMasterKey : keys.ClientMasterKey;
        ReadOnlySpan<byte> remoteSalt = isClient ? keys.ServerMasterSalt : keys.ClientMasterSalt;
        return Create(keys.Profile, localKey, localSalt, remoteKey, remoteSalt);
    }

    /// <summary>Creates a session from explicit master keys (e.g. SDES or tests).</summary>
    public static SrtpSession Create(SrtpProfile profile, ReadOnlySpan<byte> localMasterKey, ReadOnlySpan<byte> localMasterSalt,
        ReadOnlySpan<byte> remoteMasterKey, ReadOnlySpan<byte> remoteMasterSalt)
    {
        if (localMasterKey.Length != profile.MasterKeyLength() || remoteMasterKey.Length != profile.MasterKeyLength()
            || localMasterSalt.Length != profile.MasterSaltLength() || remoteMasterSalt.Length != profile.MasterSaltLength())
        {
            throw new ArgumentException($"Master key/salt lengths do not match {profile.RegisteredName()}.");
        }

        return new SrtpSession(profile,
            SrtpTransform.CreateRtp(profile, localMasterKey, localMasterSalt),
            SrtpTransform.CreateRtcp(profile, localMasterKey, localMasterSalt),
            SrtpTransform.CreateRtp(profile, remoteMasterKey, remoteMasterSalt),
            SrtpTransform.CreateRtcp(profile, remoteMasterKey, remoteMasterSalt));
    }

    /// <summary>
    /// Protects the RTP packet in <c>packet[..length]</c> in place and returns the SRTP length. The span must have
    /// <see cref="RtpOverhead"/> bytes of room after the packet. Packets are expected in sending order.
    /// </summary>
    public int ProtectRtp(Span<byte> packet, int length)
    {
        if (!TryGetRtpHeaderLength(packet, length, out int headerLength))
        {
            throw new ArgumentException("Not a complete RTP packet.", nameof(packet));
        }

        EnsureRoom(packet, length, RtpOverhead);
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        ushort seq = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        ulong index;
        if (_rtpOutHighest.TryGetValue(ssrc, out ulong highest))
        {
            if (!SrtpIndex.TryEstimate(highest, seq, out index))
            {
                // A resent packet from before the first one: protect it under ROC 0 like libsrtp does.
                index = seq;
            }

            if (index > highest)
            {
                _rtpOutHighest[ssrc] = index;
            }
        }
        else
        {
            if (_rtpOutHighest.Count >= MaxStreams)
            {
                throw new InvalidOperationException($"More than {MaxStreams} local SRTP streams.");
            }

            index = seq;
            _rtpOutHighest[ssrc] = index;
        }

        return _rtpOut.ProtectRtp(packet, length, headerLength, ssrc, index);
    }

    /// <summary>Authenticates and decrypts the SRTP packet in place; false means drop it.</summary>
    public bool TryUnprotectRtp(Span<byte> packet, int length, out int plainLength) =>
        UnprotectRtp(packet, length, out plainLength) == SrtpStatus.Ok;

    /// <summary>Authenticates and decrypts the SRTP packet in place, saying why a packet is dropped.</summary>
    public SrtpStatus UnprotectRtp(Span<byte> packet, int length, out int plainLength)
    {
        plainLength = 0;
        int tag = _rtpIn.TagLength;
        if (length > packet.Length || !TryGetRtpHeaderLength(packet, length - tag, out int headerLength))
        {
            return SrtpStatus.Malformed;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        ushort seq = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        _rtpInStreams.TryGetValue(ssrc, out ReplayState? state);
        ulong index;
        if (state is null)
        {
            if (_rtpInStreams.Count >= MaxStreams)
            {
                return SrtpStatus.TooManyStreams;
            }

            index = seq;
        }
        else
        {
            if (!SrtpIndex.TryEstimate(state.Window.Highest, seq, out index))
            {
                return SrtpStatus.TooOld;
            }

            SrtpStatus replay = state.Window.Check(index);
            if (replay != SrtpStatus.Ok)
            {
                return replay;
            }
        }

        if (!_rtpIn.UnprotectRtp(packet, length, headerLength, ssrc, index))
        {
            return SrtpStatus.AuthenticationFailed;
        }

        // Only an authenticated packet may create a stream or move its ROC, so forgeries cannot poison it.
        if (state is null)
        {
            state = new ReplayState();
            _rtpInStreams[ssrc] = state;
        }

        state.Window.Accept(index);
        plainLength = length - tag;
        return SrtpStatus.Ok;
    }

    /// <summary>
    /// Protects a (compound) RTCP packet in place and returns the SRTCP length; the span must have
    /// <see cref="RtcpOverhead"/> bytes of room after it.
    /// </summary>
    public int ProtectRtcp(Span<byte> packet, int length)
    {
        if (!IsRtcpHeader(packet, length))
        {
            throw new ArgumentException("Not a complete RTCP packet.", nameof(packet));
        }

        EnsureRoom(packet, length, RtcpOverhead);
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        if (!_rtcpOutIndex.TryGetValue(ssrc, out uint index) && _rtcpOutIndex.Count >= MaxStreams)
        {
            throw new InvalidOperationException($"More than {MaxStreams} local SRTCP streams.");
        }

        // Indices start at 1 like libsrtp's; the 31-bit space lasts years at RTCP rates.
        index = (index + 1) & 0x7FFF_FFFF;
        _rtcpOutIndex[ssrc] = index;
        return _rtcpOut.ProtectRtcp(packet, length, ssrc, index);
    }

    /// <summary>Authenticates and decrypts the SRTCP packet in place; false means drop it.</summary>
    public bool TryUnprotectRtcp(Span<byte> packet, int length, out int plainLength) =>
        UnprotectRtcp(packet, length, out plainLength) == SrtpStatus.Ok;

    /// <summary>Authenticates and decrypts the SRTCP packet in place, saying why a packet is dropped.</summary>
    public SrtpStatus UnprotectRtcp(Span<byte> packet, int length, out int plainLength)
    {
        plainLength = 0;
        int overhead = RtcpOverhead;
        if (length > packet.Length || length < RtcpHeaderLength + overhead || !IsRtcpHeader(packet, length - overhead))
        {
            return SrtpStatus.Malformed;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        uint word = BinaryPrimitives.ReadUInt32BigEndian(packet[_rtcpIn.RtcpIndexOffset(length)..]);
        bool encrypted = (word & 0x8000_0000u) != 0;
        uint index = word & 0x7FFF_FFFF;
        _rtcpInStreams.TryGetValue(ssrc, out ReplayState? state);
        if (state is null)
        {
            if (_rtcpInStreams.Count >= MaxStreams)
            {
                return SrtpStatus.TooManyStreams;
            }
        }
        else
        {
            SrtpStatus replay = state.Window.Check(index);
            if (replay != SrtpStatus.Ok)
            {
                return replay;
            }
        }

        int plain = _rtcpIn.UnprotectRtcp(packet, length, ssrc, index, encrypted);
        if (plain < 0)
        {
            return SrtpStatus.AuthenticationFailed;
        }

        if (state is null)
        {
            state = new ReplayState();
            _rtcpInStreams[ssrc] = state;
        }

        state.Window.Accept(index);
        plainLength = plain;
        return SrtpStatus.Ok;
    }

    /// <summary>Header length of an RTP packet (fixed part, CSRCs, header extension); false when malformed.</summary>
    internal static bool TryGetRtpHeaderLength(ReadOnlySpan<byte> packet, int length, out int headerLength)
    {
        headerLength = 0;
        if (length < RtpHeaderLength || length > packet.Length || (packet[0] >> 6) != 2)
        {
            return false;
        }

        int h = RtpHeaderLength + 4 * (packet[0] & 0x0F);
        if ((packet[0] & 0x10) != 0)
        {
            if (h + 4 > length)
            {
                return false;
            }

            h += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(h + 2)..]);
        }

        if (h > length)
        {
            return false;
        }

        headerLength = h;
        return true;
    }

    private static bool IsRtcpHeader(ReadOnlySpan<byte> packet, int length) =>
        length >= RtcpHeaderLength && length <= packet.Length && (packet[0] >> 6) == 2;

    private static void EnsureRoom(Span<byte> packet, int length, int overhead)
    {
        if (packet.Length < length + overhead)
        {
            throw new ArgumentException($"The buffer needs {overhead} spare bytes after the packet for SRTP.", nameof(packet));
        }
    }

    public void Dispose()
    {
        _rtpOut.Dispose();
        _rtcpOut.Dispose();
        _rtpIn.Dispose();
        _rtcpIn.Dispose();
    }

    private sealed class ReplayState
    {
        public SrtpReplayWindow Window;
    }
}
