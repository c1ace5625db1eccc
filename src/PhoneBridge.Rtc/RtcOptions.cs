using System.ComponentModel.DataAnnotations;
using System.Net;

namespace PhoneBridge.Rtc;

/// <summary>WebRTC transport and codec settings (configuration section <c>PhoneBridge:Rtc</c>).</summary>
public sealed class RtcOptions : IValidatableObject
{
    public const string SectionName = "PhoneBridge:Rtc";

    /// <summary>Local addresses to gather host candidates on; empty = every non-loopback interface that is up.</summary>
    public List<string> HostAddresses { get; set; } = [];

    /// <summary>Public IPv4/IPv6 of a 1:1 NAT (cloud VM, container with host networking), advertised as an extra host candidate.</summary>
    public string? PublicIp { get; set; }

    public bool EnableIpv6 { get; set; }

    /// <summary>STUN/TURN servers used in addition to any given per connection (e.g. by the SFU's join response).</summary>
    public List<RtcIceServerOptions> IceServers { get; set; } = [];

    /// <summary>Use only TURN relay candidates (for hosts whose UDP is restricted).</summary>
    public bool RelayOnly { get; set; }

    /// <summary>How long without consent responses before the peer counts as gone (RFC 7675 suggests 30 s; calls want seconds).</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:01:00")]
    public TimeSpan ConsentTimeout { get; set; } = TimeSpan.FromSeconds(8);

    [Range(typeof(TimeSpan), "00:00:02", "00:02:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First UDP port to bind (0 = any ephemeral port); with <see cref="PortRangeEnd"/> for firewalled hosts.</summary>
    [Range(0, 65535)]
    public int PortRangeStart { get; set; }

    [Range(0, 65535)]
    public int PortRangeEnd { get; set; }

    /// <summary>Opus codec: Auto (libopus when it loads, else Concentus), Native (libopus, required) or Managed (Concentus).</summary>
    [EnumDataType(typeof(Opus.OpusImplementation))]
    public Opus.OpusImplementation OpusImplementation { get; set; } = Opus.OpusImplementation.Auto;

    /// <summary>Opus complexity 0–10; encode is most of the media CPU, 5 is a good voice trade-off.</summary>
    [Range(0, 10)]
    public int OpusComplexity { get; set; } = 5;

    /// <summary>Opus bitrate in bit/s, 0 = libopus default for the rate.</summary>
    [Range(0, 510_000)]
    public int OpusBitrate { get; set; }

    [Range(0, 100)]
    public int OpusPacketLossPercent { get; set; } = 10;

    /// <summary>Offer AEAD_AES_128_GCM in DTLS-SRTP (preferred) besides AES_CM_128_HMAC_SHA1_80.</summary>
    public bool EnableSrtpGcm { get; set; } = true;

    /// <summary>Interval of RTCP sender/receiver reports.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan RtcpInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Receive every connection's packets on a few shared epoll threads (Linux) that decode inline and run the
    /// connection's ICE and RTCP timers, instead of one async receive loop per connection and timers on the thread
    /// pool. Received-audio handlers then run on those threads and must not block.
    /// </summary>
    public bool SharedReceiveThread { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var address in HostAddresses)
        {
            if (!IPAddress.TryParse(address, out _))
            {
                yield return new ValidationResult($"'{address}' is not an IP address.", [nameof(HostAddresses)]);
            }
        }

        if (PublicIp is { Length: > 0 } && !IPAddress.TryParse(PublicIp, out _))
        {
            yield return new ValidationResult($"'{PublicIp}' is not an IP address.", [nameof(PublicIp)]);
        }

        if ((PortRangeStart == 0) != (PortRangeEnd == 0) || PortRangeEnd < PortRangeStart)
        {
            yield return new ValidationResult("Set both PortRangeStart and PortRangeEnd (start <= end), or neither.", [nameof(PortRangeStart)]);
        }

        foreach (var server in IceServers)
        {
            if (server.Urls.Count == 0)
            {
                yield return new ValidationResult("Every ICE server needs at least one url.", [nameof(IceServers)]);
            }

            foreach (var url in server.Urls)
            {
                if (!url.StartsWith("stun:", StringComparison.OrdinalIgnoreCase)
                    && !url.StartsWith("turn:", StringComparison.OrdinalIgnoreCase)
                    && !url.StartsWith("turns:", StringComparison.OrdinalIgnoreCase))
                {
                    yield return new ValidationResult($"ICE server url '{url}' must start with stun:, turn: or turns:.", [nameof(IceServers)]);
                }
            }
        }

        if (RelayOnly && !IceServers.Exists(s => s.Urls.Exists(u => u.StartsWith("turn", StringComparison.OrdinalIgnoreCase))))
        {
            yield return new ValidationResult("RelayOnly needs a turn: server in IceServers.", [nameof(RelayOnly)]);
        }
    }
}

/// <summary>One STUN/TURN server (browser <c>RTCIceServer</c> shape).</summary>
public sealed class RtcIceServerOptions
{
    public List<string> Urls { get; set; } = [];

    public string? Username { get; set; }

    public string? Credential { get; set; }
}
