namespace PhoneBridge.Core.Calls;

/// <summary>
/// The edge call a phone call joins: for the Stream edge the Stream call type and id (<c>default</c>,
/// <c>phone-…</c>); for the local echo edge <c>local</c> and the bridge's call id. Resolved once per call, at
/// registration, so the agent launch, the edge join, the events and the management API all name the same call.
/// </summary>
/// <param name="Type">Stream call type (or the edge's name when it has no types).</param>
/// <param name="Id">Stream call id.</param>
public sealed record EdgeCallAddress(string Type, string Id);
