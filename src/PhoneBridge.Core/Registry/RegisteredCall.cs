using PhoneBridge.Core.Edge;

namespace PhoneBridge.Core.Registry;

/// <summary>A claimed call: its info, its prepared work, its edge join started at registration and the token that ends it.</summary>
public sealed class RegisteredCall
{
    public RegisteredCall(CallInfo info, Task<object?> prepared, CancellationToken ended, EdgePreJoin? edgeJoin = null)
    {
        Info = info;
        Prepared = prepared;
        Ended = ended;
        EdgeJoin = edgeJoin;
    }

    public CallInfo Info { get; }

    public string CallId => Info.CallId;

    /// <summary>The prepare step's result (null when there is none); faults if prepare failed.</summary>
    public Task<object?> Prepared { get; }

    /// <summary>Fires when the registry releases the call (hangup elsewhere, shutdown).</summary>
    public CancellationToken Ended { get; }

    /// <summary>
    /// The edge join started at registration, if any: the bridge takes its session when the media stream starts, and
    /// the registry leaves it when the call is released without that.
    /// </summary>
    public EdgePreJoin? EdgeJoin { get; }
}
