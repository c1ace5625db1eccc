using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Telemetry;
using PhoneBridge.Stream.Agents;
using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Sfu;

namespace PhoneBridge.Stream.Edge;

/// <summary>
/// The real edge: the phone joins a Stream Video call as a WebRTC participant (one Opus track published at the
/// phone's rate, every other participant's audio mixed back at that rate).
/// </summary>
public sealed partial class StreamEdge : IEdge
{
    internal const string SfuHttpClientName = "PhoneBridge.Stream.Sfu";

    private readonly StreamCoordinatorClient _coordinator;
    private readonly IHttpClientFactory _httpFactory;
    private readonly IStreamMediaFactory _mediaFactory;
    private readonly IOptionsMonitor<StreamOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<StreamEdge> _logger;

    // Phone participants by Stream call cid: a call can hold more than one phone (the caller and a warm-transfer
    // leg dialled into it). Only joins, leaves and hangup requests touch it, never the media path.
    private readonly Dictionary<string, List<StreamEdgeSession>> _live = new(StringComparer.Ordinal);
    private readonly Lock _liveGate = new();
    private int _active;

    private readonly EdgeReconnectMetrics? _reconnectMetrics;

    public StreamEdge(
        StreamCoordinatorClient coordinator,
        IHttpClientFactory httpFactory,
        IStreamMediaFactory mediaFactory,
        IOptionsMonitor<StreamOptions> options,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        EdgeReconnectMetrics? reconnectMetrics = null)
    {
        _reconnectMetrics = reconnectMetrics;
        _coordinator = coordinator;
        _httpFactory = httpFactory;
        _mediaFactory = mediaFactory;
        _options = options;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<StreamEdge>();
    }

    public string Name => "stream";

    /// <summary>Phone participants in Stream calls right now (two phones in one call count twice).</summary>
    public int ActiveSessions => Volatile.Read(ref _active);

    public async Task<IEdgeSession> JoinAsync(EdgeJoinRequest request, IEdgeSessionHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        var options = _options.CurrentValue;
        var (callType, callId) = request.Prepared is AgentSession agent
            ? (agent.CallType, agent.CallId)
            : request.EdgeCall is { } named
                ? (named.Type, named.Id)
                : (options.CallType, StreamCallIds.For(request.CallId, options));
        var userId = PhoneUserId(request.ParticipantId, options);

        // The call's members must exist as users; the display name is the bridge's masked one, and custom.phone tells
        // the agent about the call. A partial update: other custom data on the user stays.
        var phone = request.Call is { } call ? PhoneCustomData.Build(call, call.ProviderCallId, call.CustomParameters, options) : (JsonElement?)null;
        await _coordinator.SetUserAsync(userId, request.DisplayName, PhoneOnly(phone), cancellationToken).ConfigureAwait(false);

        var session = new StreamEdgeSession(this, handler, request.CallId, callType, callId, userId, request.SampleRate, options, _time,
            _loggerFactory.CreateLogger<StreamEdgeSession>())
        {
            PhoneUser = request.Call is { } written ? new PhoneUserWritten(written, request.DisplayName) : null,
        };
        var media = _mediaFactory.Create(request.CallId, request.SampleRate, session);
        var sfu = new SfuSession(callType, callId, userId, media, _coordinator, _httpFactory.CreateClient(SfuHttpClientName), options, _time,
            _loggerFactory.CreateLogger<SfuSession>(), _reconnectMetrics);
        media.Attach(sfu);
        try
        {
            await session.StartAsync(sfu, media, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        lock (_liveGate)
        {
            if (!_live.TryGetValue(session.CallCid, out var phones))
            {
                _live[session.CallCid] = phones = [];
            }

            phones.Add(session);
            _active++;
        }

        EdgeLog.Joined(_logger, request.CallId, callType, callId);
        return session;
    }

    /// <summary>The Stream call a phone call joins: <c>Stream:CallType</c> and the id <c>Stream:CallIdScheme</c> gives it.</summary>
    public EdgeCallAddress AddressFor(string callId)
    {
        var options = _options.CurrentValue;
        return new EdgeCallAddress(options.CallType, StreamCallIds.For(callId, options));
    }

    /// <summary>
    /// Ends the phone calls that sit in Stream call <paramref name="callType"/>:<paramref name="callId"/> (what an agent
    /// calls to hang up). Every phone in that call is hung up: the caller and, during a warm transfer, the leg dialled
    /// into it, because the agent asks to end the conversation, not one line of it (a single leg is ended by its own
    /// bridge call id through the calls API). False when no phone is in that call here.
    /// </summary>
    public bool RequestHangup(string callType, string callId, string reason)
    {
        StreamEdgeSession[] phones;
        lock (_liveGate)
        {
            if (!_live.TryGetValue(callType + ":" + callId, out var list) || list.Count == 0)
            {
                return false;
            }

            phones = [.. list];
        }

        foreach (var phone in phones)
        {
            phone.RequestHangup(reason);
        }

        return true;
    }

    /// <summary>The bridge call ids of the phones in Stream call <paramref name="callType"/>:<paramref name="callId"/> here.</summary>
    public IReadOnlyList<string> PhonesIn(string callType, string callId)
    {
        lock (_liveGate)
        {
            return _live.TryGetValue(callType + ":" + callId, out var list) ? list.Select(p => p.BridgeCallId).ToList() : [];
        }
    }

    internal void Forget(StreamEdgeSession session)
    {
        lock (_liveGate)
        {
            if (_live.TryGetValue(session.CallCid, out var list) && list.Remove(session))
            {
                _active--;
                if (list.Count == 0)
                {
                    _live.Remove(session.CallCid);
                }
            }
        }
    }

    internal StreamCoordinatorClient Coordinator => _coordinator;

    internal IOptionsMonitor<StreamOptions> Options => _options;

    internal TimeProvider Time => _time;

    /// <summary>The custom fields a write of the phone user sets: <c>phone</c> only, or none.</summary>
    internal static Dictionary<string, JsonElement>? PhoneOnly(JsonElement? phone) =>
        phone is { } value ? new Dictionary<string, JsonElement>(StringComparer.Ordinal) { [PhoneCustomData.Key] = value } : null;

    /// <summary>The phone participant's Stream user id: the configured prefix plus the bridge's masked id.</summary>
    internal static string PhoneUserId(string participantId, StreamOptions options)
    {
        var safe = UnsafeUserIdChars().Replace(participantId, "-").Trim('-');
        if (safe.Length == 0)
        {
            safe = "caller";
        }

        return safe.StartsWith(options.PhoneUserIdPrefix, StringComparison.Ordinal) ? safe : options.PhoneUserIdPrefix + safe;
    }

    [GeneratedRegex("[^A-Za-z0-9@_-]+")]
    private static partial Regex UnsafeUserIdChars();
}
