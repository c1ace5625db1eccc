using Microsoft.Extensions.Logging;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Opus;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc.Media;

/// <summary>
/// The send path of one audio transceiver, run on the thread that writes the frame: Opus encode and RTP packetize
/// into one preallocated buffer, SRTP protect in place, one non-blocking UDP send. No queue, task or allocation per
/// frame. The track's lock serialises callers, so the buffer and packetizer need no lock of their own; the SRTP session
/// is shared with the RTCP timer and the other tracks, so protecting takes the connection's protect lock.
/// <see cref="RtpAudioReceiver"/> is the other direction.
/// </summary>
internal sealed class RtpAudioSender : IAudioFrameSender
{
    private readonly OpusRtpPacketizer _packetizer;
    private readonly SrtpSession _srtp;
    private readonly Lock _protectLock;
    private readonly IceAgent _ice;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _connectionId;
    private readonly string _mid;
    private readonly CancellationToken _lifetime;
    private readonly byte[] _buffer = new byte[OpusRtpPacketizer.MaxPacketSize + SrtpProfileInfo.MaxOverhead];
    private long _last;
    private bool _failed;

    public RtpAudioSender(
        OpusRtpPacketizer packetizer, SrtpSession srtp, Lock protectLock, IceAgent ice, TimeProvider time,
        ILogger logger, string connectionId, string mid, CancellationToken lifetime)
    {
        _packetizer = packetizer;
        _srtp = srtp;
        _protectLock = protectLock;
        _ice = ice;
        _time = time;
        _logger = logger;
        _connectionId = connectionId;
        _mid = mid;
        _lifetime = lifetime;
        _last = time.GetTimestamp();
    }

    public bool Send(ReadOnlySpan<short> pcm20ms)
    {
        if (_failed || _lifetime.IsCancellationRequested)
        {
            return false;
        }

        try
        {
            var now = _time.GetTimestamp();
            var length = _packetizer.Packetize(pcm20ms, _buffer, _time.GetElapsedTime(_last, now));
            _last = now;

            // The session's RTP and RTCP contexts are shared with the RTCP timer and the other tracks.
            lock (_protectLock)
            {
                length = _srtp.ProtectRtp(_buffer, length);
            }

            _ice.Send(_buffer.AsSpan(0, length));
            return true;
        }
        catch (Exception e) when (e is OpusException or ArgumentException or InvalidOperationException or ObjectDisposedException)
        {
            // Not recoverable for this stream (a broken encoder or session); stop sending rather than fail every frame.
            _failed = true;
            RtpAudioSenderLog.SendFailed(_logger, e, _connectionId, _mid);
            return false;
        }
    }
}
