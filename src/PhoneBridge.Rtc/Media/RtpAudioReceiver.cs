using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using PhoneBridge.Rtc.Rtcp;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Media;

/// <summary>
/// The receive path of one peer connection, run on the ICE agent's receive loop for each SRTP or SRTCP datagram: SRTP
/// unprotect into one preallocated buffer, RTP parse, then the remote track for the packet's SSRC, whose jitter buffer
/// decodes Opus and hands each frame to <see cref="RemoteAudioTrack.Sink"/> on this same thread. SRTCP sender
/// reports are remembered on the remote tracks for the LSR/DLSR of our receiver reports. No queue, task or allocation
/// per packet; the receive loop makes one call at a time, so the buffer needs no lock.
/// <see cref="RtpAudioSender"/> is the other direction.
/// </summary>
internal sealed class RtpAudioReceiver
{
    /// <summary>Largest datagram accepted; anything longer is not ours and is dropped.</summary>
    public const int MaxDatagramSize = 2048;

    private readonly SrtpSession _srtp;
    private readonly List<AudioTransceiver> _transceivers;
    private readonly Lock _transceiversLock;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _connectionId;
    private readonly byte[] _buffer = new byte[MaxDatagramSize];
    private long _unprotectFailures;
    private long _unknownSsrcLogged;
    private bool _handlerFailureLogged;

    /// <param name="transceivers">The connection's transceivers, read under <paramref name="transceiversLock"/> to find an SSRC's track.</param>
    public RtpAudioReceiver(
        SrtpSession srtp, List<AudioTransceiver> transceivers, Lock transceiversLock, TimeProvider time, ILogger logger, string connectionId)
    {
        _srtp = srtp;
        _transceivers = transceivers;
        _transceiversLock = transceiversLock;
        _time = time;
        _logger = logger;
        _connectionId = connectionId;
    }

    /// <summary>Packets that failed SRTP authentication or replay checks.</summary>
    public long UnprotectFailures => Interlocked.Read(ref _unprotectFailures);

    /// <summary>Takes one datagram whose first byte is in the RTP/RTCP range of RFC 7983 (128–191).</summary>
    public void Receive(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length > MaxDatagramSize || datagram.Length < 12)
        {
            return;
        }

        var buffer = _buffer.AsSpan();
        datagram.CopyTo(buffer);
        if (datagram[1] is >= 192 and <= 223)
        {
            if (!_srtp.TryUnprotectRtcp(buffer, datagram.Length, out var rtcpLength))
            {
                CountUnprotectFailure("RTCP");
                return;
            }

            OnRtcp(buffer[..rtcpLength], _time.GetTimestamp());
            return;
        }

        if (!_srtp.TryUnprotectRtp(buffer, datagram.Length, out var length))
        {
            CountUnprotectFailure("RTP");
            return;
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        var t = FindReceiver(ssrc);
        if (t?.RemoteTrack is not { } track)
        {
            if (Interlocked.Increment(ref _unknownSsrcLogged) == 1)
            {
                RtpAudioReceiverLog.UnknownSsrc(_logger, _connectionId, ssrc);
            }

            return;
        }

        if (!RtpAudioPacket.TryParse(buffer[..length], t.AudioLevelId, out var packet) || packet.PayloadType != t.PayloadType)
        {
            return;
        }

        var arrival = (uint)(_time.GetTimestamp() * 48000 / _time.TimestampFrequency);
        try
        {
            track.OnRtp(packet, arrival);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A consumer's frame handler threw; keep receiving, log the first one only.
            if (!_handlerFailureLogged)
            {
                _handlerFailureLogged = true;
                RtpAudioReceiverLog.FrameHandlerFailed(_logger, e, _connectionId);
            }
        }
    }

    private AudioTransceiver? FindReceiver(uint ssrc)
    {
        lock (_transceiversLock)
        {
            AudioTransceiver? unbound = null;
            foreach (var t in _transceivers)
            {
                if (t.RemoteTrack is null || t.Rejected)
                {
                    continue;
                }

                if (t.RemoteSsrc == ssrc)
                {
                    return t;
                }

                if (t.RemoteSsrc is null && unbound is null)
                {
                    unbound = t;
                }
            }

            // Peers that do not announce a=ssrc (allowed with BUNDLE + mid): bind the first unbound receiver.
            if (unbound is not null)
            {
                unbound.RemoteSsrc = ssrc;
                unbound.RemoteTrack!.Ssrc = ssrc;
            }

            return unbound;
        }
    }

    /// <summary>Walks a decrypted compound packet and remembers sender reports; malformed input is ignored.</summary>
    private void OnRtcp(ReadOnlySpan<byte> compound, long arrival)
    {
        foreach (var packet in new RtcpCompoundReader(compound))
        {
            if (!RtcpReport.TryReadSenderInfo(packet, out var sender))
            {
                continue;
            }

            foreach (var t in _transceivers)
            {
                if (t.RemoteTrack is { } remote && remote.Ssrc == sender.Ssrc)
                {
                    remote.OnSenderReport(sender.NtpTimestamp, arrival);
                }
            }
        }
    }

    private void CountUnprotectFailure(string kind)
    {
        var count = Interlocked.Increment(ref _unprotectFailures);
        if (count == 1 || count % 1000 == 0)
        {
            RtpAudioReceiverLog.UnprotectFailed(_logger, _connectionId, kind, count);
        }
    }
}
