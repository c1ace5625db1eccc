using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using PhoneBridge.Rtc.Dtls;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Sdp;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Rtc;

/// <summary>
/// An audio-only WebRTC peer connection: SDP offer/answer, one bundled UDP transport (ICE + DTLS-SRTP, RTP/RTCP
/// muxed, RFC 7983 demux), Opus tracks at the phone's rate. No thread of its own: each frame is encoded and sent on
/// the thread that writes it (<see cref="RtpAudioSender"/>), each packet is decrypted and decoded on the ICE agent's
/// receive loop (<see cref="RtpAudioReceiver"/>), and one async task runs the ICE and DTLS handshakes, then the RTCP
/// timer until <see cref="DisposeAsync"/>.
/// </summary>
public sealed partial class PeerConnection : IAsyncDisposable
{
    private readonly RtcOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly DtlsCertificate _certificate;
    private readonly IReadOnlyList<IceServer> _extraIceServers;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();
    private readonly List<AudioTransceiver> _transceivers = [];
    private readonly ulong _sessionId = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)) >> 2;
    private readonly string _cname = RandomNumberGenerator.GetHexString(16, lowercase: true);
    private ulong _sessionVersion = 1;
    private PeerConnectionState _state = PeerConnectionState.New;
    private bool _disposed;

    public PeerConnection(RtcOptions options, ILoggerFactory loggerFactory, TimeProvider time)
        : this(options, loggerFactory, time, certificate: null, iceServers: null)
    {
    }

    /// <param name="certificate">DTLS identity; null creates a fresh ECDSA P-256 certificate for this connection.</param>
    /// <param name="iceServers">Extra STUN/TURN servers for this connection (e.g. from the SFU's join response).</param>
    public PeerConnection(RtcOptions options, ILoggerFactory loggerFactory, TimeProvider time, DtlsCertificate? certificate, IReadOnlyList<IceServer>? iceServers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<PeerConnection>();
        _certificate = certificate ?? DtlsCertificate.CreateEcdsaP256(time);
        _extraIceServers = iceServers ?? [];
        Id = RandomNumberGenerator.GetHexString(8, lowercase: true);
    }

    /// <summary>Short random id used in logs.</summary>
    public string Id { get; }

    public PeerConnectionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Rate at which remote tracks without a matching local track are decoded (8000, 16000 or 48000).</summary>
    public int DefaultReceiveSampleRate { get; set; } = 48000;

    public event Action<PeerConnectionState>? StateChanged;

    /// <summary>Trickled local candidate; null marks the end of gathering.</summary>
    public event Action<IceCandidate?>? LocalCandidate;

    /// <summary>A remote audio track appeared (raised while applying the remote description).</summary>
    public event Action<RemoteAudioTrack>? RemoteTrackAdded;

    public IReadOnlyList<RemoteAudioTrack> RemoteTracks
    {
        get
        {
            lock (_gate)
            {
                return [.. _transceivers.Select(t => t.RemoteTrack).OfType<RemoteAudioTrack>()];
            }
        }
    }

    public IReadOnlyList<LocalAudioTrack> LocalTracks
    {
        get
        {
            lock (_gate)
            {
                return [.. _transceivers.Select(t => t.Track).OfType<LocalAudioTrack>()];
            }
        }
    }

    public DtlsCertificate Certificate => _certificate;

    /// <summary>DTLS role chosen by negotiation (null before it is known).</summary>
    public DtlsRole? DtlsRole { get; private set; }

    /// <summary>SRTP profile agreed in the DTLS handshake (null before it completes).</summary>
    public SrtpProfile? SrtpProfile { get; private set; }

    /// <summary>The ICE pair carrying media, once selected.</summary>
    public IceCandidatePair? SelectedPair => _ice?.SelectedPair;

    /// <summary>
    /// Adds an audio track. Send directions get a <see cref="LocalAudioTrack.WriteFrame"/> path; receive directions
    /// get a <see cref="RemoteAudioTrack"/> once the remote description names a sending m-line for it.
    /// </summary>
    public LocalAudioTrack AddAudioTrack(MediaDirection direction, int sampleRate, string? trackId = null, string? streamId = null)
    {
        var track = new LocalAudioTrack(direction, sampleRate, trackId ?? Guid.NewGuid().ToString(), streamId ?? Guid.NewGuid().ToString());
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var ssrc = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
            _transceivers.Add(new AudioTransceiver(mid: string.Empty, direction, sampleRate, track, ssrc, _cname));
        }

        return track;
    }

    private void SetState(PeerConnectionState state)
    {
        lock (_gate)
        {
            if (_state == state || _state == PeerConnectionState.Closed
                || (_state == PeerConnectionState.Failed && state != PeerConnectionState.Closed))
            {
                return;
            }

            _state = state;
        }

        PeerConnectionLog.StateChanged(_logger, Id, state);
        Raise(() => StateChanged?.Invoke(state));
    }

    private void Raise(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            PeerConnectionLog.HandlerFailed(_logger, e, Id);
        }
    }

    private IceAgentOptions CreateIceOptions(bool controlling)
    {
        var servers = new List<IceServer>(_extraIceServers);
        servers.AddRange(_options.IceServers.Select(s => new IceServer(s.Urls, s.Username, s.Credential)));
        return new IceAgentOptions
        {
            Controlling = controlling,
            HostAddresses = [.. _options.HostAddresses.Select(IPAddress.Parse)],
            PublicIp = string.IsNullOrEmpty(_options.PublicIp) ? null : IPAddress.Parse(_options.PublicIp),
            EnableIpv6 = _options.EnableIpv6,
            Servers = servers,
            Policy = _options.RelayOnly ? IcePolicy.RelayOnly : IcePolicy.All,
            ConsentTimeout = _options.ConsentTimeout,
            ConnectTimeout = _options.ConnectTimeout,
            PortRangeStart = _options.PortRangeStart,
            PortRangeEnd = _options.PortRangeEnd,
            SharedReceiveThread = _options.SharedReceiveThread,
        };
    }
}
