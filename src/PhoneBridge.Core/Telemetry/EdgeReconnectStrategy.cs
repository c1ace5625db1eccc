namespace PhoneBridge.Core.Telemetry;

/// <summary>How an edge session got back to its media server, as <c>phonebridge.edge.reconnects</c> counts it.</summary>
public enum EdgeReconnectStrategy
{
    /// <summary>The same session on the same server over a new signalling socket.</summary>
    Fast,

    /// <summary>A fresh join, new session.</summary>
    Rejoin,

    /// <summary>A move to another server while the old one still carries the call.</summary>
    Migrate,
}
