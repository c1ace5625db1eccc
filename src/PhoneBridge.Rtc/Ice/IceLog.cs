using System.Net;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Rtc.Ice;

internal static partial class IceLog
{
    [LoggerMessage(EventId = 5100, EventName = nameof(CandidateGathered), Level = LogLevel.Debug, Message = "ICE gathered {Type} candidate {Address}:{Port}")]
    public static partial void CandidateGathered(ILogger logger, IceCandidateType type, string address, int port);

    [LoggerMessage(EventId = 5101, EventName = nameof(StateChanged), Level = LogLevel.Information, Message = "ICE state {State}")]
    public static partial void StateChanged(ILogger logger, IceConnectionState state);

    [LoggerMessage(EventId = 5102, EventName = nameof(PairSelected), Level = LogLevel.Information, Message = "ICE selected pair {Pair} (controlling {Controlling})")]
    public static partial void PairSelected(ILogger logger, string pair, bool controlling);

    [LoggerMessage(EventId = 5103, EventName = nameof(RemoteCandidateIgnored), Level = LogLevel.Debug, Message = "ICE ignored remote candidate {Candidate}: {Reason}")]
    public static partial void RemoteCandidateIgnored(ILogger logger, string candidate, string reason);

    [LoggerMessage(EventId = 5104, EventName = nameof(PeerReflexiveLearned), Level = LogLevel.Debug, Message = "ICE learned peer-reflexive candidate {EndPoint}")]
    public static partial void PeerReflexiveLearned(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(EventId = 5105, EventName = nameof(RoleSwitched), Level = LogLevel.Information, Message = "ICE role conflict resolved: now controlling {Controlling}")]
    public static partial void RoleSwitched(ILogger logger, bool controlling);

    [LoggerMessage(EventId = 5106, EventName = nameof(RequestRejected), Level = LogLevel.Debug, Message = "ICE rejected STUN request from {EndPoint}: {Reason}")]
    public static partial void RequestRejected(ILogger logger, IPEndPoint endPoint, string reason);

    [LoggerMessage(EventId = 5107, EventName = nameof(MalformedStun), Level = LogLevel.Debug, Message = "ICE dropped malformed STUN datagram ({Result}, {Length} bytes)")]
    public static partial void MalformedStun(ILogger logger, Stun.StunParseResult result, int length);

    [LoggerMessage(EventId = 5108, EventName = nameof(ReceiveLoopFailed), Level = LogLevel.Warning, Message = "ICE receive loop on {EndPoint} stopped after a socket error")]
    public static partial void ReceiveLoopFailed(ILogger logger, Exception exception, IPEndPoint endPoint);

    [LoggerMessage(EventId = 5109, EventName = nameof(SendFailed), Level = LogLevel.Debug, Message = "ICE send to {EndPoint} failed: {Error}")]
    public static partial void SendFailed(ILogger logger, IPEndPoint endPoint, string error);

    [LoggerMessage(EventId = 5110, EventName = nameof(DataHandlerFailed), Level = LogLevel.Warning, Message = "ICE data handler threw; datagram dropped")]
    public static partial void DataHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5111, EventName = nameof(EventHandlerFailed), Level = LogLevel.Warning, Message = "ICE event handler threw")]
    public static partial void EventHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5112, EventName = nameof(ConsentExpired), Level = LogLevel.Warning, Message = "ICE consent expired for {Pair}: no response for {Timeout}")]
    public static partial void ConsentExpired(ILogger logger, string pair, TimeSpan timeout);

    [LoggerMessage(EventId = 5113, EventName = nameof(Failed), Level = LogLevel.Warning, Message = "ICE failed: {Reason}")]
    public static partial void Failed(ILogger logger, string reason);

    [LoggerMessage(EventId = 5114, EventName = nameof(ServerSkipped), Level = LogLevel.Warning, Message = "ICE server {Url} skipped: {Reason}")]
    public static partial void ServerSkipped(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 5115, EventName = nameof(ServerFailed), Level = LogLevel.Warning, Message = "ICE server {Url} did not answer: {Reason}")]
    public static partial void ServerFailed(ILogger logger, string url, string reason);

    [LoggerMessage(EventId = 5116, EventName = nameof(CheckFailed), Level = LogLevel.Debug, Message = "ICE check on {Pair} failed: {Reason}")]
    public static partial void CheckFailed(ILogger logger, string pair, string reason);

    [LoggerMessage(EventId = 5117, EventName = nameof(Restarted), Level = LogLevel.Information, Message = "ICE restart: new local credentials")]
    public static partial void Restarted(ILogger logger);

    [LoggerMessage(EventId = 5118, EventName = nameof(TimerFailed), Level = LogLevel.Error, Message = "ICE timer work failed")]
    public static partial void TimerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5119, EventName = nameof(DatagramFailed), Level = LogLevel.Error, Message = "ICE failed to process a {Length}-byte datagram")]
    public static partial void DatagramFailed(ILogger logger, Exception exception, int length);

    [LoggerMessage(EventId = 5120, EventName = nameof(SharedReceiveUnavailable), Level = LogLevel.Warning, Message = "ICE socket {EndPoint} could not join the shared receive thread; it uses its own receive loop")]
    public static partial void SharedReceiveUnavailable(ILogger logger, Exception exception, IPEndPoint endPoint);
}
