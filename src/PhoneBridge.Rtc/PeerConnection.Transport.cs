using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using PhoneBridge.Rtc.Dtls;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Opus;
using PhoneBridge.Rtc.Sdp;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc;

public sealed partial class PeerConnection
{
    private readonly Lock _protectLock = new();
    private DtlsTransport? _dtls;
    private SrtpSession? _srtp;
    private RtpAudioReceiver? _receiver;
    private Task? _run;

    /// <summary>Packets that failed SRTP authentication or replay checks.</summary>
    public long UnprotectFailures => _receiver?.UnprotectFailures ?? 0;

    private void StartTransport()
    {
        lock (_gate)
        {
            if (_run is not null || _disposed)
            {
                return;
            }

            _run = RunAsync(_lifetime.Token);
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        // Let the caller finish its signalling call before the transport starts doing work.
        await Task.Yield();
        try
        {
            SetState(PeerConnectionState.Connecting);
            await _ice!.ConnectAsync(ct).ConfigureAwait(false);
            var keys = await _dtls!.HandshakeAsync(ct).ConfigureAwait(false);
            var session = SrtpSession.Create(keys, isClient: DtlsRole == Dtls.DtlsRole.Client);
            keys.Clear();
            SrtpProfile = session.Profile;
            PeerConnectionLog.Secured(_logger, Id, DtlsRole.ToString()!, session.Profile.RegisteredName());
            List<AudioTransceiver> senders;
            lock (_gate)
            {
                _srtp = session;
                _receiver = new RtpAudioReceiver(session, _transceivers, _gate, _time, _logger, Id);
                senders = [.. _transceivers.Where(t => !t.Rejected && t.Negotiated.CanSend() && t.Track is not null)];
                foreach (var t in senders)
                {
                    t.Encoder = new OpusEncoder(new OpusEncoderOptions
                    {
                        SampleRate = t.SampleRate,
                        Complexity = _options.OpusComplexity,
                        Bitrate = _options.OpusBitrate,
                        InbandFec = true,
                        PacketLossPercent = _options.OpusPacketLossPercent,
                    }, _options.OpusImplementation);
                    t.Packetizer = new OpusRtpPacketizer(
                        t.Encoder, t.Ssrc, t.PayloadType,
                        BinaryPrimitives.ReadUInt16LittleEndian(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2)),
                        BinaryPrimitives.ReadUInt32LittleEndian(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)))
                    {
                        AudioLevelExtensionId = t.AudioLevelId,
                        MidExtensionId = t.MidId,
                        Mid = t.Mid,
                    };
                }
            }

            if (_ice.State == IceConnectionState.Connected)
            {
                SetState(PeerConnectionState.Connected);
            }

            // Frames are sent on the writer's thread from here on; this task only runs RTCP until the end.
            var attached = senders.Select(t => (t.Track!, Sender: new RtpAudioSender(
                t.Packetizer!, session, _protectLock, _ice, _time, _logger, Id, t.Mid, ct))).ToList();
            try
            {
                foreach (var (track, sender) in attached)
                {
                    track.Attach(sender);
                }

                await RtcpLoopAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                foreach (var (track, sender) in attached)
                {
                    track.Detach(sender);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is DtlsHandshakeException or IceException or OpusException or TimeoutException or InvalidOperationException)
        {
            PeerConnectionLog.Failed(_logger, Id, e.Message);
            SetState(PeerConnectionState.Failed);
        }
    }

    private async Task RtcpLoopAsync(CancellationToken ct)
    {
        var buffer = new byte[RtcpMaxSize + SrtpProfileInfo.MaxOverhead];
        using var timer = new PeriodicTimer(_options.RtcpInterval, _ice!.TimerTime);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                await SendRtcpAsync(buffer, bye: false, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async ValueTask SendRtcpAsync(byte[] buffer, bool bye, CancellationToken ct)
    {
        int length;
        lock (_gate)
        {
            if (_srtp is null)
            {
                return;
            }

            length = WriteRtcpLocked(buffer, bye);
        }

        if (length == 0)
        {
            return;
        }

        lock (_protectLock)
        {
            length = _srtp.ProtectRtcp(buffer, length);
        }

        await _ice!.SendAsync(buffer.AsMemory(0, length), ct).ConfigureAwait(false);
    }

    private ValueTask SendDtlsAsync(ReadOnlyMemory<byte> datagram, CancellationToken ct) =>
        _ice is { } ice ? ice.SendAsync(datagram, ct) : ValueTask.CompletedTask;

    private void OnIceState(IceConnectionState state)
    {
        switch (state)
        {
            case IceConnectionState.Checking:
                SetState(PeerConnectionState.Connecting);
                break;
            case IceConnectionState.Connected when _srtp is not null:
                SetState(PeerConnectionState.Connected);
                break;
            case IceConnectionState.Disconnected:
                SetState(PeerConnectionState.Disconnected);
                break;
            case IceConnectionState.Failed:
                PeerConnectionLog.Failed(_logger, Id, "ICE failed (no route, or consent expired)");
                SetState(PeerConnectionState.Failed);
                _lifetime.Cancel();
                break;
        }
    }

    private void OnDtlsState(DtlsTransportState state)
    {
        if (state == DtlsTransportState.Closed && !_disposed)
        {
            // The peer said close_notify: it is gone, so stop sending into the void (and its ICMP errors).
            SetState(PeerConnectionState.Closed);
            _lifetime.Cancel();
        }
        else if (state == DtlsTransportState.Failed)
        {
            SetState(PeerConnectionState.Failed);
            _lifetime.Cancel();
        }
    }

    /// <summary>
    /// RFC 7983 demux of one datagram on the ICE agent's receive loop: DTLS records to the DTLS transport, SRTP and
    /// SRTCP (once keyed) to the receive path.
    /// </summary>
    private void OnData(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return;
        }

        var first = datagram[0];
        if (first is >= 20 and <= 63)
        {
            _dtls?.OnDatagram(datagram);
            return;
        }

        if (first is >= 128 and <= 191)
        {
            _receiver?.Receive(datagram);
        }
    }

    /// <summary>Closes the connection: RTCP BYE, DTLS close_notify, sockets, codecs. Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? run;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            run = _run;
        }

        if (_srtp is not null && _ice?.SelectedPair is not null && !_lifetime.IsCancellationRequested)
        {
            try
            {
                using var byeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(1), _time);
                await SendRtcpAsync(new byte[RtcpMaxSize + SrtpProfileInfo.MaxOverhead], bye: true, byeTimeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                // Best effort: the peer also notices via DTLS close_notify or consent expiry.
            }
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        if (run is not null)
        {
            await run.ConfigureAwait(false);
        }

        if (_dtls is not null)
        {
            _dtls.StateChanged -= OnDtlsState;
            await _dtls.DisposeAsync().ConfigureAwait(false);
        }

        if (_ice is not null)
        {
            await _ice.DisposeAsync().ConfigureAwait(false);
        }

        lock (_gate)
        {
            foreach (var t in _transceivers)
            {
                t.Track?.Dispose();
                t.Dispose();
            }
        }

        _srtp?.Dispose();
        SetState(PeerConnectionState.Closed);
        _lifetime.Dispose();
    }

    private sealed class Demux(PeerConnection owner) : IIceDataHandler
    {
        public void OnData(ReadOnlySpan<byte> datagram) => owner.OnData(datagram);
    }
}
