using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Edge;

/// <summary>
/// Where the agent is: something a phone call joins as one participant. The Stream Video edge is the
/// real one; the local echo edge is the default when no Stream credentials are configured.
/// </summary>
public interface IEdge
{
    /// <summary>Short name for logs and metrics ("local", "stream").</summary>
    string Name { get; }

    /// <summary>Joins the call as the phone participant. Completes once audio can flow both ways.</summary>
    Task<IEdgeSession> JoinAsync(EdgeJoinRequest request, IEdgeSessionHandler handler, CancellationToken cancellationToken);

    /// <summary>
    /// The edge call a new phone call with bridge id <paramref name="callId"/> joins when nobody names one. Called
    /// once per call, at registration (a random scheme may answer differently each time).
    /// </summary>
    EdgeCallAddress AddressFor(string callId) => new(Name, callId);
}

/// <param name="CallId">Our call id (also the edge call id unless the scheme says otherwise).</param>
/// <param name="ParticipantId">User id of the phone participant (masked, never the raw number).</param>
/// <param name="DisplayName">Display name of the phone participant (masked unless configured).</param>
/// <param name="SampleRate">The phone's PCM rate; audio crosses the seam at this rate both ways.</param>
/// <param name="Prepared">
/// The result of the registry's prepare step, if any (e.g. an agent session); null for a join started at registration,
/// beside the prepare step rather than after it (<see cref="EdgeCall"/> names the call then).
/// </param>
/// <param name="EdgeCall">The edge call to join, as resolved at registration; null for the edge's default.</param>
/// <param name="Call">
/// What is known of the phone call (raw numbers included: an edge that shows them masks them); null where no
/// registry made it. The Stream edge writes it to the phone user's custom data.
/// </param>
public sealed record EdgeJoinRequest(
    string CallId,
    string ParticipantId,
    string DisplayName,
    int SampleRate,
    object? Prepared = null,
    EdgeCallAddress? EdgeCall = null,
    CallInfo? Call = null);
