namespace PhoneBridge.Server.Stats;

/// <summary>Body of <c>GET /stats</c>: process CPU and bridge counters since start.</summary>
public sealed record StatsResponse(
    long ProcessCpuMs,
    long ActiveCalls,
    long CallsTotal,
    long FramesFromPhone,
    long FramesToPhone,
    long FramesDropped);
