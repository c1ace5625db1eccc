using PhoneBridge.Audio;
using PhoneBridge.Simulator.Measurement;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Simulator.Load;

public sealed record LoadReport
{
    public int CallsRequested { get; init; }

    /// <summary>Calls that got their media socket up (dropped ones included).</summary>
    public int CallsConnected { get; init; }

    /// <summary>Connected calls whose socket failed or that the server closed before the caller hung up.</summary>
    public int CallsDropped { get; init; }

    /// <summary>Calls that could not be placed, plus the dropped ones.</summary>
    public int CallsFailed { get; init; }

    /// <summary>When the server was first seen gone (a call's socket dropped and then it stopped answering); null if it stayed.</summary>
    public DateTimeOffset? ServerGoneAt { get; init; }

    /// <summary>Why the server counts as gone (the connection error); null if it stayed.</summary>
    public string? ServerGone { get; init; }

    public IReadOnlyList<string> Failures { get; init; } = [];

    public long FramesSent { get; init; }

    public long FramesLate { get; init; }

    public TimeSpan MaxSendLateness { get; init; }

    public long FramesEchoed { get; init; }

    public long FramesLost { get; init; }

    public long InvalidMessages { get; init; }

    public required LatencySamples Latencies { get; init; }

    /// <summary>With marker matching: markers sent, heard back, lost, and sent before the call's audio flowed.</summary>
    public long MarkersSent { get; init; }

    public long MarkersHeard { get; init; }

    public long MarkersLost { get; init; }

    public long MarkersBeforeAudio { get; init; }

    /// <summary>Every completed call's own report.</summary>
    public IReadOnlyList<TwilioCallReport> Calls { get; init; } = [];

    /// <summary>The window in which every call was up: where the CPU figure comes from.</summary>
    public TimeSpan SteadyWindow { get; init; }

    public int CallsInWindow { get; init; }

    /// <summary>Server CPU spent in the steady window; null when <c>/stats</c> was not readable.</summary>
    public double? ServerCpuMs { get; init; }

    /// <summary>Server CPU per call-second of the steady window, in milliseconds.</summary>
    public double? CpuMsPerCallSecond =>
        ServerCpuMs is { } cpu && CallsInWindow > 0 && SteadyWindow > TimeSpan.Zero
            ? cpu / (CallsInWindow * SteadyWindow.TotalSeconds)
            : null;

    /// <summary>Frames the server took from phones in the steady window (from <c>GET /stats</c>).</summary>
    public long? FramesInWindow { get; init; }

    /// <summary>
    /// Server CPU per second of call audio actually bridged in the window (50 frames = one call-second).
    /// Unlike <see cref="CpuMsPerCallSecond"/> it stays right when the callers fall behind real time.
    /// </summary>
    public double? CpuMsPerBridgedCallSecond =>
        ServerCpuMs is { } cpu && FramesInWindow is > 0 and { } frames ? cpu / (frames / (double)AudioFrame.PerSecond) : null;

    /// <summary>Of <see cref="ServerCpuMs"/>, the time the server's JIT spent compiling in the window (a fresh process is still tiering up).</summary>
    public double? ServerJitMs { get; init; }

    /// <summary>
    /// Of <see cref="ServerCpuMs"/>, the time in the kernel (socket system calls, and on loopback the receiving
    /// side's network stack too); only known when the server's process id was given.
    /// </summary>
    public double? ServerKernelCpuMs { get; init; }

    public int? ActiveCallsAtPeak { get; init; }

    public int? ActiveCallsAfter { get; init; }
}
