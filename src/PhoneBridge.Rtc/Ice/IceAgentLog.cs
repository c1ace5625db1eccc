using System.Net;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Rtc.Ice;

internal static partial class IceAgentLog
{
    [LoggerMessage(1, LogLevel.Debug, "ICE gathered {Type} candidate {Address}:{Port}")]
    public static partial void CandidateGathered(ILogger logger, IceCandidateType type, string address, int port);

    [LoggerMessage(2, LogLevel.Information, "ICE state {State}")]
    public static partial void StateChanged(ILogger logger, IceConnectionState state);

    [LoggerMessage(3, LogLevel.Information, "ICE selected pair {Pair} (controlling {Controlling})")]
    public static partial void PairSelected(ILogger logger, string pair, bool controlling);

    [LoggerMessage(4, LogLevel.Debug, "ICE ignored remote candidate {Candidate}: {Reason}")]
    public static partial void RemoteCandidateIgnored(ILogger logger, string candidate, string reason);

    [LoggerMessage(5, LogLevel.Debug, "ICE learned peer-reflexive candidate {EndPoint}")]
    public static partial void PeerReflexiveLearned(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(6, LogLevel.Information, "ICE role conflict resolved: now controlling {Controlling}")]
    public static partial void RoleSwitched(ILogger logger, bool controlling);

    [LoggerMessage(7, LogLevel.Debug, "ICE rejected STUN request from {EndPoint}: {Reason}")]
    public static partial void RequestRejected(ILogger logger, IPEndPoint endPoint, string reason);

    [LoggerMessage(8, LogLevel.Debug, "ICE dropped malformed STUN datagram ({Result}, {Length} bytes)")]
    public static partial void MalformedStun(ILogger logger, Stun.StunParseResult result, int length);

    [LoggerMessage(9, LogLevel.Warning, "ICE receive loop on {EndPoint} stopped after a socket error")]
    public static partial void ReceiveLoopFailed(ILogger logger, Exception exception, IPEndPoint endPoint);

    [LoggerMessage(10, LogLevel.Debug, "ICE send to {EndPoint} failed: {Error}")]
    public static partial void SendFailed(ILogger logger, IPEndPoint endPoint, string error);

    [LoggerMessage(11, LogLevel.Warning, "ICE data handler threw; datagram dropped")]
    public static partial void DataHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(12, LogLevel.Warning, "ICE event handler threw")]
    public static partial void EventHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(13, LogLevel.Warning, "ICE consent expired for {Pair}: no response for {Timeout}")]
    public static partial void ConsentExpired(ILogger logger, string pair, TimeSpan timeout);

    [LoggerMessage(14, LogLevel.Warning, "ICE failed: {Reason}")]
    public static partial void Failed(ILogger logger, string reason);

    [LoggerMessage(15, LogLevel.Warning, "ICE server {Url} skipped: {Reason}")]
    public static partial void ServerSkipped(ILogger logger, string url, string reason);

    [LoggerMessage(16, LogLevel.Warning, "ICE server {Url} did not answer: {Reason}")]
    public static partial void ServerFailed(ILogger logger, string url, string reason);

    [LoggerMessage(17, LogLevel.Debug, "ICE check on {Pair} failed: {Reason}")]
    public static partial void CheckFailed(ILogger logger, string pair, string reason);

    [LoggerMessage(18, LogLevel.Information, "ICE restart: new local credentials")]
    public static partial void Restarted(ILogger logger);

    [LoggerMessage(19, LogLevel.Error, "ICE timer work failed")]
    public static partial void TimerFailed(ILogger logger, Exception exception);

    [LoggerMessage(20, LogLevel.Error, "ICE failed to process a {Length}-byte datagram")]
    public static partial void DatagramFailed(ILogger logger, Exception exception, int length);

    [LoggerMessage(21, LogLevel.Warning, "ICE socket {EndPoint} could not join the shared receive thread; it uses its own receive loop")]
    public static partial void SharedReceiveUnavailable(ILogger logger, Exception exception, IPEndPoint endPoint);
}
