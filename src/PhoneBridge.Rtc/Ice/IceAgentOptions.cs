using System.ComponentModel.DataAnnotations;
using System.Net;

namespace PhoneBridge.Rtc.Ice;

/// <summary>Settings of one <see cref="IceAgent"/>.</summary>
public sealed class IceAgentOptions
{
    /// <summary>Initial role; a role conflict (RFC 8445 §7.3.1.1) may change it, and a lite peer forces controlling.</summary>
    public bool Controlling { get; set; }

    /// <summary>Addresses to offer host candidates on; empty = every non-loopback address of every up interface.</summary>
    public IReadOnlyList<IPAddress> HostAddresses { get; set; } = [];

    /// <summary>Public address of a NAT 1:1 host (cloud VM, container with host port mapping), advertised with the same port.</summary>
    public IPAddress? PublicIp { get; set; }

    /// <summary>Also gather IPv6 host candidates (a second socket).</summary>
    public bool EnableIpv6 { get; set; }

    public IReadOnlyList<IceServer> Servers { get; set; } = [];

    /// <summary>
    /// Optional gate on remote addresses (signalled or peer-reflexive); candidates it rejects are never checked or
    /// answered. Useful to keep test traffic on loopback or to refuse private ranges on a public server.
    /// </summary>
    public Func<IPAddress, bool>? RemoteAddressFilter { get; set; }

    public IcePolicy Policy { get; set; } = IcePolicy.All;

    /// <summary>
    /// Consent (RFC 7675) expires, and the agent fails, when no consent response arrived for this long. The agent
    /// reports <see cref="IceConnectionState.Disconnected"/> after half of it and checks consent every quarter of it
    /// (at most every 5 s, randomised ±20 %).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ConsentTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Connectivity checks give up when no pair is selected this long after they started.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long STUN/TURN servers get to answer during gathering.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ServerTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The controlling agent waits at most this long for better pairs before nominating a working one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan NominationDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>First UDP port to bind (0 with <see cref="PortRangeEnd"/> 0 = any ephemeral port).</summary>
    [Range(0, 65535)]
    public int PortRangeStart { get; set; }

    [Range(0, 65535)]
    public int PortRangeEnd { get; set; }

    /// <summary>
    /// Receive on the process's shared epoll threads (Linux), which run the receive path inline, instead of one async
    /// receive loop per socket on the thread pool. Handlers of received data then run on that shared thread, and so
    /// do the agent's timers when its clock is the system clock.
    /// </summary>
    public bool SharedReceiveThread { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> describing the first invalid setting.</summary>
    public void Validate()
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true))
        {
            throw new ArgumentException($"Invalid ICE options: {results[0].ErrorMessage}");
        }

        if (PortRangeStart > PortRangeEnd || (PortRangeStart == 0) != (PortRangeEnd == 0))
        {
            throw new ArgumentException("Invalid ICE options: PortRangeStart and PortRangeEnd must both be 0 or form a range.");
        }
    }
}
