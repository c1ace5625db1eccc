using System.Text.Json;

namespace PhoneBridge.Core.Cluster;

/// <summary>
/// A request about one call, already authenticated and checked by the instance that received it, as it is run on
/// the instance that holds the call: what to do (<see cref="Action"/>, e.g. <c>hangup</c>), on what
/// (<see cref="Key"/>: a call id, a Stream call <c>type/id</c> or a provider's call id, as the action defines), the
/// request's JSON body when it has one, and the public base URL the receiving instance derived from the request.
/// Never carries the API key or a provider's signature: those were checked where the request arrived.
/// </summary>
public sealed record CallCommand(string Action, string Key, JsonElement? Arguments = null, string? PublicBaseUrl = null);
