using System.Net.WebSockets;
using PhoneBridge.Simulator.Measurement;

namespace PhoneBridge.Simulator.Twilio;

/// <summary>What one simulated call saw, taken when it ended.</summary>
public sealed record TwilioCallReport
{
    public required string CallSid { get; init; }

    public required string StreamSid { get; init; }

    /// <summary>The media socket URL from the TwiML (it names the bridge's call id).</summary>
    public Uri? StreamUrl { get; init; }

    /// <summary>When the first <c>media</c> message arrived (<see cref="TimeProvider.GetTimestamp"/>); null if none did.</summary>
    public long? FirstMediaAt { get; init; }

    /// <summary>Marker frames sent (<see cref="Measurement.EchoMatching.Markers"/> only).</summary>
    public long MarkersSent { get; init; }

    /// <summary>Markers sent before any audio came back, so neither heard nor lost.</summary>
    public long MarkersBeforeAudio { get; init; }

    public long MarkersHeard { get; init; }

    public long MarkersLost { get; init; }

    /// <summary>Send timestamps of the markers.</summary>
    public IReadOnlyList<long> MarkersSentAt { get; init; } = [];

    /// <summary>Arrival timestamps of the marker onsets heard back.</summary>
    public IReadOnlyList<long> MarkersHeardAt { get; init; } = [];

    /// <summary>160-byte media frames sent.</summary>
    public long FramesSent { get; init; }

    /// <summary>Frames that left later than their 20 ms slot plus the tolerance.</summary>
    public long FramesLate { get; init; }

    public TimeSpan MaxSendLateness { get; init; }

    /// <summary>Sent frames whose echo came back.</summary>
    public long FramesEchoed { get; init; }

    /// <summary>Sent frames whose echo never came back.</summary>
    public long FramesLost { get; init; }

    public long MediaMessagesReceived { get; init; }

    public long BytesReceived { get; init; }

    /// <summary>Returned bytes that matched no sent frame.</summary>
    public long UnmatchedBytesReceived { get; init; }

    public long MarksReceived { get; init; }

    public long MarksEchoed { get; init; }

    public long ClearsReceived { get; init; }

    /// <summary>Messages Twilio would flag (31950 binary, 31951 invalid).</summary>
    public long InvalidMessagesReceived { get; init; }

    public string? FirstInvalidMessage { get; init; }

    public required LatencySamples Latencies { get; init; }

    public WebSocketCloseStatus? CloseStatus { get; init; }

    public string? CloseDescription { get; init; }

    /// <summary>Who closed first: true when the server did.</summary>
    public bool ClosedByServer { get; init; }

    /// <summary>Set when the socket failed instead of closing.</summary>
    public string? Failure { get; init; }
}
