using System.Net;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Rtc.Turn;

internal static partial class TurnLog
{
    [LoggerMessage(EventId = 5200, EventName = nameof(Allocated), Level = LogLevel.Information, Message = "TURN allocation on {Server}: relayed {Relayed}, mapped {Mapped}, lifetime {Lifetime}s")]
    public static partial void Allocated(ILogger logger, IPEndPoint server, IPEndPoint relayed, IPEndPoint? mapped, uint lifetime);

    [LoggerMessage(EventId = 5201, EventName = nameof(RequestFailed), Level = LogLevel.Warning, Message = "TURN {Method} to {Server} failed: {Reason}")]
    public static partial void RequestFailed(ILogger logger, Stun.StunMethod method, IPEndPoint server, string reason);

    [LoggerMessage(EventId = 5202, EventName = nameof(ChannelBound), Level = LogLevel.Debug, Message = "TURN channel {Channel:x4} bound to {Peer}")]
    public static partial void ChannelBound(ILogger logger, ushort channel, IPEndPoint peer);

    [LoggerMessage(EventId = 5203, EventName = nameof(PermissionInstalled), Level = LogLevel.Debug, Message = "TURN permission installed for {Peer}")]
    public static partial void PermissionInstalled(ILogger logger, IPAddress peer);

    [LoggerMessage(EventId = 5204, EventName = nameof(MalformedDatagram), Level = LogLevel.Debug, Message = "TURN dropped a malformed datagram from the server ({Length} bytes)")]
    public static partial void MalformedDatagram(ILogger logger, int length);
}
