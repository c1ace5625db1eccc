namespace PhoneBridge.Simulator.Load;

/// <summary>One read of <c>GET /stats</c>.</summary>
/// <param name="Stats">The figures; null when the server gave none.</param>
/// <param name="Unreachable">Why the server could not be reached (connection refused, reset, timed out); null when it answered.</param>
public sealed record ServerStatsReading(ServerStats? Stats, string? Unreachable);
