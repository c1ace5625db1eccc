using PhoneBridge.Simulator.Measurement;

namespace PhoneBridge.Simulator.Twilio;

public sealed record TwilioMediaCallOptions
{
    /// <summary>Keep what the server sends so it can be written to a WAV.</summary>
    public bool Record { get; init; }

    /// <summary>A frame that leaves later than its 20 ms slot by more than this counts as late.</summary>
    public TimeSpan LateTolerance { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How the echo is recognised: exact bytes, or loud markers (echoes through Opus).</summary>
    public EchoMatching EchoMatching { get; init; } = EchoMatching.Exact;

    /// <summary>With markers: a marker not back within this long counts as lost; at most the marker period.</summary>
    public TimeSpan MarkerMaxRoundTrip { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Connect here instead of the TwiML URL (e.g. a public URL that points back at loopback).</summary>
    public Uri? ConnectUrl { get; init; }

    /// <summary>Sign this URL instead of the TwiML URL (tests of the server's signature check).</summary>
    public Uri? SignedUrl { get; init; }

    /// <summary>Send this signature instead of the right one (tests of the server's signature check).</summary>
    public string? SignatureOverride { get; init; }
}
