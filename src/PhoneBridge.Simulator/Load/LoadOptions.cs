using PhoneBridge.Simulator.Measurement;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Simulator.Load;

public sealed record LoadOptions
{
    public required TwilioCallerOptions Caller { get; init; }

    public int Calls { get; init; } = 10;

    /// <summary>How long each call streams audio.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Calls are dialled evenly over this time so the webhook is not hit all at once.</summary>
    public TimeSpan Ramp { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Most webhooks/handshakes in flight at once during the ramp.</summary>
    public int MaxConcurrentDials { get; init; } = 16;

    /// <summary>Bearer key for <c>GET /stats</c> (the server's <c>PhoneBridge:ApiKey</c>).</summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// When set, server CPU is read from this local process (<see cref="System.Diagnostics.Process.TotalProcessorTime"/>)
    /// instead of <c>GET /stats</c>.
    /// </summary>
    public int? ServerProcessId { get; init; }

    public TimeSpan LateTolerance { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Exact for byte-preserving echoes (the local echo edge); markers when the echo passes a lossy codec, e.g. a
    /// Stream call whose agent echoes the phone.
    /// </summary>
    public EchoMatching EchoMatching { get; init; } = EchoMatching.Exact;

    /// <summary>With markers: one marker frame every this many frames.</summary>
    public int MarkerPeriodFrames { get; init; } = 25;

    /// <summary>How long to wait after the audio for the last echoes.</summary>
    public TimeSpan EchoGrace { get; init; } = TimeSpan.FromSeconds(2);
}
