namespace PhoneBridge.Core.Registry;

/// <summary>A claimed call: its info, its prepared work and the token that ends it.</summary>
public sealed class RegisteredCall
{
    public RegisteredCall(CallInfo info, Task<object?> prepared, CancellationToken ended)
    {
        Info = info;
        Prepared = prepared;
        Ended = ended;
    }

    public CallInfo Info { get; }

    public string CallId => Info.CallId;

    /// <summary>The prepare step's result (null when there is none); faults if prepare failed.</summary>
    public Task<object?> Prepared { get; }

    /// <summary>Fires when the registry releases the call (hangup elsewhere, shutdown).</summary>
    public CancellationToken Ended { get; }
}
