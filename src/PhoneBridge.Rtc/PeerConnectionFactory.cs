using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Rtc.Dtls;
using PhoneBridge.Rtc.Ice;

namespace PhoneBridge.Rtc;

/// <summary>Creates peer connections from the configured <see cref="RtcOptions"/>, sharing one DTLS certificate per process.</summary>
public sealed class PeerConnectionFactory
{
    private readonly IOptions<RtcOptions> _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly Lazy<DtlsCertificate> _certificate;

    public PeerConnectionFactory(IOptions<RtcOptions> options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _options = options;
        _loggerFactory = loggerFactory;
        _time = time;
        _certificate = new Lazy<DtlsCertificate>(() => DtlsCertificate.CreateEcdsaP256(time));
    }

    /// <param name="iceServers">Per-call STUN/TURN servers (e.g. from the SFU join response), added to the configured ones.</param>
    public PeerConnection Create(IReadOnlyList<IceServer>? iceServers = null) =>
        new(_options.Value, _loggerFactory, _time, _certificate.Value, iceServers);
}
