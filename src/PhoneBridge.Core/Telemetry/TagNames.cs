using PhoneBridge.Core.Calls;

namespace PhoneBridge.Core.Telemetry;

/// <summary>
/// The attribute names on PhoneBridge's metrics and spans. Only ids, provider and edge names, directions and reasons
/// are ever tagged: never a phone number, a token or a custom parameter.
/// </summary>
public static class TagNames
{
    /// <summary>Bridge call id (spans only: one value per call would blow up a metric's series).</summary>
    public const string CallId = "phonebridge.call.id";

    /// <summary><c>twilio</c> or <c>telnyx</c>.</summary>
    public const string Provider = "provider";

    /// <summary>The edge's short name (<c>stream</c>, <c>local</c>).</summary>
    public const string Edge = "edge";

    /// <summary>Who dialled: <c>inbound</c> or <c>outbound</c>.</summary>
    public const string CallDirection = "direction";

    /// <summary>Which way audio goes: <c>from_phone</c> or <c>to_phone</c>.</summary>
    public const string FrameDirection = "direction";

    /// <summary>Why a call ended, as the bridge or the management API said.</summary>
    public const string EndReason = "reason";

    /// <summary>Why a webhook or media socket was refused: <c>signature</c>, <c>token</c>, <c>expired</c>, <c>reused</c>.</summary>
    public const string RejectReason = "reason";

    /// <summary>How the edge reconnected: <c>fast</c>, <c>rejoin</c>, <c>migrate</c>.</summary>
    public const string Strategy = "strategy";

    public static string DirectionValue(CallDirection direction) => direction == Calls.CallDirection.Outbound ? "outbound" : "inbound";
}
