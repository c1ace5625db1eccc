namespace PhoneBridge.Server.Stats;

/// <summary>Body of <c>GET /stats</c>: process CPU, managed allocations and bridge counters since start.</summary>
/// <param name="AllocatedBytes">Managed bytes allocated by the process; over a load window, divided by frames, it shows whether the media path allocates.</param>
/// <param name="Gen0Collections">Garbage collections of generation 0 (and above) so far.</param>
/// <param name="JitCompiledMethods">Methods the JIT has compiled (every tier counts); over a load window it shows whether CPU went to tiering rather than calls.</param>
/// <param name="JitTimeMs">Time spent in the JIT so far.</param>
public sealed record StatsResponse(
    long ProcessCpuMs,
    long ActiveCalls,
    long CallsTotal,
    long FramesFromPhone,
    long FramesToPhone,
    long FramesDropped,
    long AllocatedBytes,
    int Gen0Collections,
    long JitCompiledMethods,
    double JitTimeMs);
