using System.Net;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Rtc.Turn;

internal static partial class TurnLog
{
    [LoggerMessage(101, LogLevel.Information, "TURN allocation on {Server}: relayed {Relayed}, mapped {Mapped}, lifetime {Lifetime}s")]
    public static partial void Allocated(ILogger logger, IPEndPoint server, IPEndPoint relayed, IPEndPoint? mapped, uint lifetime);

    [LoggerMessage(102, LogLevel.Warning, "TURN {Method} to {Server} failed: {Reason}")]
    public static partial void RequestFailed(ILogger logger, Stun.StunMethod method, IPEndPoint server, string reason);

    [LoggerMessage(103, LogLevel.Debug, "TURN channel {Channel:x4} bound to {Peer}")]
    public static partial void ChannelBound(ILogger logger, ushort channel, IPEndPoint peer);

    [LoggerMessage(104, LogLevel.Debug, "TURN permission installed for {Peer}")]
    public static partial void PermissionInstalled(ILogger logger, IPAddress peer);

    [LoggerMessage(105, LogLevel.Debug, "TURN dropped a malformed datagram from the server ({Length} bytes)")]
    public static partial void MalformedDatagram(ILogger logger, int length);
}
