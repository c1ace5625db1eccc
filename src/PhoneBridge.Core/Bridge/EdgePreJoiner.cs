using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Bridge;

/// <summary>
/// Starts the edge join of a registered call at registration, beside its prepare step (the agent launch), so the
/// edge is live by the time the provider opens the media socket. Only registrations that know the phone's sample
/// rate (<see cref="CallInfo.ExpectedSampleRate"/>) are joined early; the bridge joins the others when the stream
/// starts, as it does when the early join does not fit.
/// </summary>
public sealed class EdgePreJoiner
{
    private readonly IEdge _edge;
    private readonly BridgeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<EdgePreJoiner> _logger;

    public EdgePreJoiner(IEdge edge, IOptions<BridgeOptions> options, TimeProvider time, ILogger<EdgePreJoiner> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _edge = edge;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Starts joining <paramref name="call"/>'s edge call as its phone participant; null when the rate is not known
    /// or <see cref="BridgeOptions.JoinEdgeAtRegistration"/> is off. The join does not wait for the prepare step: the
    /// edge call is the one named at registration (<see cref="CallInfo.EdgeCall"/>), which the agent joins too.
    /// </summary>
    public EdgePreJoin? Start(CallInfo call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!_options.JoinEdgeAtRegistration || call.ExpectedSampleRate is not { } rate)
        {
            return null;
        }

        var request = new EdgeJoinRequest(
            call.CallId,
            PhoneParticipant.UserId(call.CallId),
            PhoneParticipant.DisplayName(call),
            rate,
            Prepared: null,
            call.EdgeCall,
            call);
        return new EdgePreJoin(_edge, request, _options.ShutdownTimeout, _time, _logger);
    }
}
