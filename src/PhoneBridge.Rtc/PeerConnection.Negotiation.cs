using System.Globalization;
using Microsoft.Extensions.Logging;
using PhoneBridge.Rtc.Dtls;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Media;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Rtc;

public sealed partial class PeerConnection
{
    private const string Protocol = "UDP/TLS/RTP/SAVPF";
    private const string OpusFmtp = "minptime=10;useinbandfec=1";

    private IceAgent? _ice;
    private bool? _isOfferer;
    private RtcSessionDescription? _pendingLocal;
    private RtcSessionDescription? _localDescription;
    private SessionDescription? _remote;
    private bool _remoteApplied;
    private bool _localApplied;

    /// <summary>The applied local description regenerated with every candidate gathered so far (like a browser's).</summary>
    public RtcSessionDescription? LocalDescription
    {
        get
        {
            lock (_gate)
            {
                return _localDescription is null ? null : new RtcSessionDescription(_localDescription.Type, BuildDescription(_localDescription.Type).ToString());
            }
        }
    }

    public RtcSessionDescription? RemoteDescription { get; private set; }

    /// <summary>Completes when srflx/relay gathering is done (host candidates exist once an offer/answer was created).</summary>
    public Task GatheringComplete => _ice?.GatheringCompleted ?? Task.CompletedTask;

    /// <summary>Creates an offer (this side becomes the ICE controlling agent and offers <c>a=setup:actpass</c>).</summary>
    public async Task<RtcSessionDescription> CreateOfferAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_isOfferer == false && !_remoteApplied)
            {
                throw new InvalidOperationException("An offer is being answered; create the answer first.");
            }

            _isOfferer ??= true;
            var next = 0;
            for (var i = 0; i < _transceivers.Count; i++)
            {
                if (_transceivers[i].Mid.Length == 0)
                {
                    while (_transceivers.Exists(x => x.Mid == next.ToString(CultureInfo.InvariantCulture)))
                    {
                        next++;
                    }

                    _transceivers[i] = Clone(_transceivers[i], next.ToString(CultureInfo.InvariantCulture));
                }
            }

            if (_transceivers.Count == 0)
            {
                throw new InvalidOperationException("Add an audio track before creating an offer.");
            }
        }

        await EnsureIceAsync(controlling: true, ct).ConfigureAwait(false);
        lock (_gate)
        {
            var offer = new RtcSessionDescription(RtcSdpType.Offer, BuildDescription(RtcSdpType.Offer).ToString());
            _pendingLocal = offer;
            return offer;
        }
    }

    /// <summary>Creates the answer to the applied remote offer (this side answers <c>a=setup:active</c>, i.e. DTLS client, unless the offer was active).</summary>
    public async Task<RtcSessionDescription> CreateAnswerAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_remote is null || RemoteDescription?.Type != RtcSdpType.Offer)
            {
                throw new InvalidOperationException("Set a remote offer before creating an answer.");
            }
        }

        await EnsureIceAsync(controlling: false, ct).ConfigureAwait(false);
        lock (_gate)
        {
            var answer = new RtcSessionDescription(RtcSdpType.Answer, BuildDescription(RtcSdpType.Answer).ToString());
            _pendingLocal = answer;
            return answer;
        }
    }

    /// <summary>Applies a description returned by <see cref="CreateOfferAsync"/> or <see cref="CreateAnswerAsync"/>.</summary>
    public void SetLocalDescription(RtcSessionDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        bool start;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pendingLocal is null || _pendingLocal.Type != description.Type)
            {
                throw new InvalidOperationException("Only a description created by this connection can be set as local.");
            }

            _localDescription = description;
            _pendingLocal = null;
            _localApplied = true;
            foreach (var t in _transceivers)
            {
                if (t.Track is not null)
                {
                    t.Track.Mid = t.Mid;
                }
            }

            start = _remoteApplied && description.Type == RtcSdpType.Answer;
        }

        if (start)
        {
            StartTransport();
        }
    }

    /// <summary>
    /// Applies the peer's offer or answer: codecs, directions, ICE credentials and candidates, DTLS role and
    /// fingerprint. Throws <see cref="SdpParseException"/> or <see cref="ArgumentException"/> for SDP this
    /// connection cannot use (nothing is changed then).
    /// </summary>
    public async Task SetRemoteDescriptionAsync(RtcSessionDescription description, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(description);
        SessionDescription sdp;
        try
        {
            sdp = SessionDescription.Parse(description.Sdp);
            Validate(sdp);
        }
        catch (FormatException e)
        {
            PeerConnectionLog.RemoteDescriptionRejected(_logger, Id, e.Message);
            throw;
        }
        catch (ArgumentException e)
        {
            PeerConnectionLog.RemoteDescriptionRejected(_logger, Id, e.Message);
            throw;
        }

        var isOffer = description.Type == RtcSdpType.Offer;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (isOffer && _isOfferer == true && !_remoteApplied)
            {
                throw new InvalidOperationException("Glare: a local offer is pending; roll back is not supported.");
            }

            if (!isOffer && _localDescription?.Type != RtcSdpType.Offer && _pendingLocal?.Type != RtcSdpType.Offer)
            {
                throw new InvalidOperationException("Received an answer without a local offer.");
            }

            _isOfferer ??= !isOffer;
        }

        if (isOffer)
        {
            await EnsureIceAsync(controlling: false, ct).ConfigureAwait(false);
        }

        var added = new List<RemoteAudioTrack>();
        bool start;
        lock (_gate)
        {
            ApplyMedia(sdp, isOffer, added);
            ApplyTransport(sdp, isOffer);
            _remote = sdp;
            RemoteDescription = description;
            _remoteApplied = true;
            start = !isOffer && _localApplied;
        }

        foreach (var track in added)
        {
            PeerConnectionLog.RemoteTrack(_logger, Id, track.Mid, track.StreamId);
            Raise(() => RemoteTrackAdded?.Invoke(track));
        }

        if (start)
        {
            StartTransport();
        }
    }

    /// <summary>Adds a trickled remote candidate (<c>candidate:...</c> with or without <c>a=</c>); empty or null = end of candidates.</summary>
    public void AddIceCandidate(string? candidate)
    {
        var ice = _ice ?? throw new InvalidOperationException("Set the remote description before adding candidates.");
        if (string.IsNullOrWhiteSpace(candidate))
        {
            ice.AddRemoteEndOfCandidates();
            return;
        }

        if (!IceCandidate.TryParse(candidate, out var parsed, out var error))
        {
            PeerConnectionLog.CandidateIgnored(_logger, Id, error);
            return;
        }

        AddIceCandidate(parsed);
    }

    public void AddIceCandidate(IceCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var ice = _ice ?? throw new InvalidOperationException("Set the remote description before adding candidates.");
        if (candidate.Component != 1 || !string.Equals(candidate.Protocol, "udp", StringComparison.OrdinalIgnoreCase))
        {
            // RTP and RTCP are muxed on component 1 and only UDP is supported.
            PeerConnectionLog.CandidateIgnored(_logger, Id, "not a component-1 UDP candidate");
            return;
        }

        ice.AddRemoteCandidate(candidate);
    }

    /// <summary>New ICE credentials for the next offer (RFC 8445 §9); media keeps flowing on the old pair meanwhile.</summary>
    public void RestartIce()
    {
        var ice = _ice ?? throw new InvalidOperationException("Nothing to restart before the first negotiation.");
        ice.Restart();
        lock (_gate)
        {
            _remoteApplied = false;
            _localApplied = false;
            _isOfferer = null;
        }
    }

    private static void Validate(SessionDescription sdp)
    {
        var audio = sdp.Media.Where(m => m.IsAudio && m.Port != 0).ToList();
        if (audio.Count == 0)
        {
            throw new ArgumentException("The SDP has no active audio section.");
        }

        var first = audio[0];
        if (sdp.IceUfragFor(first) is not { Length: > 0 } || sdp.IcePasswordFor(first) is not { Length: > 0 })
        {
            throw new ArgumentException("The SDP has no ICE credentials (a=ice-ufrag / a=ice-pwd).");
        }

        var fingerprint = sdp.FingerprintFor(first) ?? throw new ArgumentException("The SDP has no DTLS fingerprint.");
        if (!string.Equals(fingerprint.Algorithm, "sha-256", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Unsupported fingerprint algorithm '{fingerprint.Algorithm}' (sha-256 is required).");
        }

        if (!audio.TrueForAll(m => m.Protocol.Contains("SAVP", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException("Audio must use DTLS-SRTP (UDP/TLS/RTP/SAVPF).");
        }
    }

    private void ApplyMedia(SessionDescription sdp, bool isOffer, List<RemoteAudioTrack> added)
    {
        var used = new HashSet<AudioTransceiver>();
        foreach (var m in sdp.Media)
        {
            if (!m.IsAudio)
            {
                continue;
            }

            var mid = m.Mid ?? sdp.Media.IndexOf(m).ToString(CultureInfo.InvariantCulture);
            var t = _transceivers.Find(x => x.Mid == mid);
            if (t is null && isOffer)
            {
                // Pair offered m-lines with tracks added before the offer arrived, in order.
                var free = _transceivers.Find(x => x.Mid.Length == 0 && !used.Contains(x));
                t = free is not null
                    ? Clone(free, mid)
                    : new AudioTransceiver(mid, MediaDirection.RecvOnly, DefaultReceiveSampleRate, null, BitConverter.ToUInt32(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)), _cname);
                if (free is not null)
                {
                    _transceivers[_transceivers.IndexOf(free)] = t;
                }
                else
                {
                    _transceivers.Add(t);
                }
            }

            if (t is null)
            {
                continue;
            }

            used.Add(t);
            var opus = m.Codecs.FirstOrDefault(c => c.IsOpus && c.ClockRate == 48000);
            if (m.Port == 0 || opus is null || !m.RtcpMux && !sdp.BundleMids.Contains(mid))
            {
                t.Rejected = true;
                t.Negotiated = MediaDirection.Inactive;
                continue;
            }

            t.Rejected = false;
            t.PayloadType = (byte)opus.PayloadType;
            t.RemoteStereo = opus.Parameter("stereo") == "1";
            t.AudioLevelId = m.ExtmapId(SdpExtmap.AudioLevelUri) ?? 0;
            t.MidId = m.ExtmapId(SdpExtmap.SdesMidUri) ?? 0;
            var remoteDirection = m.Direction;
            t.Negotiated = isOffer ? remoteDirection.Answer(t.Direction) : remoteDirection.Reverse();
            t.RemoteSsrc = m.PrimarySsrc ?? t.RemoteSsrc;
            t.RemoteMsid = m.Msid;
            if (t.Negotiated.CanReceive() && t.RemoteTrack is null)
            {
                t.RemoteTrack = new RemoteAudioTrack(mid, m.Msid?.StreamId, m.Msid?.TrackId, t.SampleRate, t.PayloadType, t.AudioLevelId, _options.OpusImplementation);
                if (t.RemoteSsrc is { } ssrc)
                {
                    t.RemoteTrack.Ssrc = ssrc;
                }

                added.Add(t.RemoteTrack);
            }
        }

        if (!_transceivers.Exists(t => !t.Rejected && t.Mid.Length > 0))
        {
            throw new ArgumentException("No audio section offers Opus/48000 with rtcp-mux.");
        }
    }

    private void ApplyTransport(SessionDescription sdp, bool isOffer)
    {
        var first = sdp.Media.First(m => m.IsAudio && m.Port != 0);
        var ice = _ice!;
        var ufrag = sdp.IceUfragFor(first)!;
        if (isOffer && _remote is { } previous && previous.Media.FirstOrDefault(m => m.IsAudio && m.Port != 0) is { } before
            && previous.IceUfragFor(before) != ufrag)
        {
            // New credentials in an offer are the peer's ICE restart; the answerer restarts too (RFC 8445 §9, RFC 8839),
            // so the answer carries new credentials and the new generation's checks replace the old pair.
            ice.Restart();
        }

        ice.SetRemoteCredentials(ufrag, sdp.IcePasswordFor(first)!, sdp.IceLite);
        var endOfCandidates = false;
        foreach (var m in sdp.Media)
        {
            foreach (var c in m.Candidates)
            {
                if (!IceCandidate.TryParse(c, out var candidate, out var error))
                {
                    PeerConnectionLog.CandidateIgnored(_logger, Id, error);
                }
                else if (candidate.Component == 1 && string.Equals(candidate.Protocol, "udp", StringComparison.OrdinalIgnoreCase))
                {
                    ice.AddRemoteCandidate(candidate);
                }
            }

            endOfCandidates |= m.EndOfCandidates;
        }

        if (endOfCandidates)
        {
            ice.AddRemoteEndOfCandidates();
        }

        var remoteSetup = sdp.SetupFor(first) ?? SdpSetupRole.ActPass;
        var role = isOffer
            ? (remoteSetup == SdpSetupRole.Active ? Dtls.DtlsRole.Server : Dtls.DtlsRole.Client)
            : (remoteSetup == SdpSetupRole.Passive ? Dtls.DtlsRole.Client : Dtls.DtlsRole.Server);
        var fingerprint = sdp.FingerprintFor(first)!.ToString();
        if (_dtls is null)
        {
            DtlsRole = role;
            _dtls = new DtlsTransport(role, _certificate, fingerprint, SendDtlsAsync, _loggerFactory.CreateLogger<DtlsTransport>(), _time, DtlsOptions());
            _dtls.StateChanged += OnDtlsState;
        }
    }

    private SessionDescription BuildDescription(RtcSdpType type)
    {
        var ice = _ice!;
        var sdp = new SessionDescription
        {
            Origin = new SdpOrigin("-", _sessionId, _sessionVersion, "IN", "IP4", "127.0.0.1"),
        };
        sdp.Lines.Add(new SdpLine('t', "0 0"));
        var active = _transceivers.Where(t => t.Mid.Length > 0 && !(type == RtcSdpType.Answer && t.Rejected)).Select(t => t.Mid).ToList();
        sdp.Add("group", "BUNDLE " + string.Join(' ', active));
        var streams = _transceivers.Where(t => t.Track is not null && t.Direction.CanSend()).Select(t => t.Track!.StreamId).Distinct().ToList();
        sdp.Add("msid-semantic", streams.Count == 0 ? " WMS" : " WMS " + string.Join(' ', streams));
        var candidates = ice.GetLocalCandidates();
        var gathered = ice.GatheringCompleted.IsCompleted;
        var setup = type == RtcSdpType.Offer
            ? SdpSetupRole.ActPass
            : (DtlsRole == Dtls.DtlsRole.Server ? SdpSetupRole.Passive : SdpSetupRole.Active);
        var order = type == RtcSdpType.Answer && _remote is not null
            ? _remote.Media.Select((m, i) => (Mid: m.Mid ?? i.ToString(CultureInfo.InvariantCulture), Remote: (MediaDescription?)m)).ToList()
            : _transceivers.Where(t => t.Mid.Length > 0).Select(t => (Mid: t.Mid, Remote: (MediaDescription?)null)).ToList();
        foreach (var (mid, remote) in order)
        {
            var t = _transceivers.Find(x => x.Mid == mid);
            if (t is null || (type == RtcSdpType.Answer && t.Rejected) || (remote is not null && !remote.IsAudio))
            {
                sdp.Media.Add(Rejected(remote, mid));
                continue;
            }

            var m = new MediaDescription("audio", 9, Protocol, []);
            m.Lines.Add(new SdpLine('c', "IN IP4 0.0.0.0"));
            m.Add("rtcp", "9 IN IP4 0.0.0.0");
            m.Add("ice-ufrag", ice.LocalUfrag);
            m.Add("ice-pwd", ice.LocalPassword);
            m.Add("ice-options", "trickle");
            m.Add("fingerprint", _certificate.SdpFingerprint);
            m.Add("setup", setup.ToSdp());
            m.Add("mid", mid);
            var levelId = type == RtcSdpType.Offer ? AudioTransceiver.DefaultAudioLevelId : t.AudioLevelId;
            var midId = type == RtcSdpType.Offer ? AudioTransceiver.DefaultMidId : t.MidId;
            if (levelId > 0)
            {
                m.Add("extmap", new SdpExtmap(levelId, SdpExtmap.AudioLevelUri).ToSdpValue());
            }

            if (midId > 0)
            {
                m.Add("extmap", new SdpExtmap(midId, SdpExtmap.SdesMidUri).ToSdpValue());
            }

            var direction = type == RtcSdpType.Offer ? t.Direction : t.Negotiated;
            m.Add(direction.ToSdp());
            var sends = direction.CanSend() && t.Track is not null;
            if (sends)
            {
                m.Add("msid", new SdpMsid(t.Track!.StreamId, t.Track.TrackId).ToSdpValue());
            }

            m.Add("rtcp-mux");
            var fmtp = t.RemoteStereo ? OpusFmtp + ";stereo=1" : OpusFmtp;
            m.AddCodec(new RtpCodec(type == RtcSdpType.Offer ? AudioTransceiver.DefaultOpusPayloadType : t.PayloadType, "opus", 48000, 2, fmtp, []));
            if (sends)
            {
                m.Add("ssrc", new SdpSsrc(t.Ssrc, "cname", t.Cname).ToSdpValue());
                m.Add("ssrc", new SdpSsrc(t.Ssrc, "msid", $"{t.Track!.StreamId} {t.Track.TrackId}").ToSdpValue());
            }

            foreach (var c in candidates)
            {
                m.Add(SdpAttribute.Parse(c.ToSdpAttribute()));
            }

            if (gathered)
            {
                m.Add("end-of-candidates");
            }

            sdp.Media.Add(m);
        }

        return sdp;
    }

    private static MediaDescription Rejected(MediaDescription? remote, string mid)
    {
        var m = new MediaDescription(remote?.Media ?? "audio", 0, remote?.Protocol ?? Protocol, remote?.Formats.Take(1) ?? ["0"]);
        m.Lines.Add(new SdpLine('c', "IN IP4 0.0.0.0"));
        m.Add("mid", mid);
        m.Add("inactive");
        return m;
    }

    private static AudioTransceiver Clone(AudioTransceiver t, string mid) =>
        new(mid, t.Direction, t.SampleRate, t.Track, t.Ssrc, t.Cname);

    private async Task EnsureIceAsync(bool controlling, CancellationToken ct)
    {
        IceAgent ice;
        lock (_gate)
        {
            if (_ice is not null)
            {
                return;
            }

            ice = new IceAgent(CreateIceOptions(controlling), _loggerFactory.CreateLogger<IceAgent>(), _time);
            ice.LocalCandidate += OnIceCandidate;
            ice.StateChanged += OnIceState;
            ice.DataHandler = new Demux(this);
            _ice = ice;
        }

        await ice.GatherAsync(ct).ConfigureAwait(false);
    }

    private void OnIceCandidate(IceCandidate? candidate) => Raise(() => LocalCandidate?.Invoke(candidate));

    private DtlsTransportOptions DtlsOptions() => new()
    {
        SrtpProfiles = _options.EnableSrtpGcm
            ? [Srtp.SrtpProfile.AeadAes128Gcm, Srtp.SrtpProfile.AesCm128HmacSha1_80]
            : [Srtp.SrtpProfile.AesCm128HmacSha1_80],
    };
}
