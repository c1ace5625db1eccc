namespace PhoneBridge.Core.Calls;

/// <summary>
/// One transfer of a <see cref="LiveCall"/>: its mode, the warm leg once the provider has placed it, and its state,
/// which only moves forward so each <c>phone.transfer</c> state is told once even when the leg's media and the
/// provider's answer race each other.
/// </summary>
public sealed class CallTransfer
{
    private readonly Lock _gate = new();
    private CallTransferState _state;
    private string? _legCallId;

    public CallTransfer(CallTransferMode mode)
    {
        Mode = mode;
    }

    public CallTransferMode Mode { get; }

    /// <summary>"cold" or "warm", as the event and the API name it.</summary>
    public string ModeName => Mode == CallTransferMode.Warm ? "warm" : "cold";

    public CallTransferState State
    {
        get { lock (_gate) { return _state; } }
    }

    /// <summary>True once <see cref="CallTransferState.Completed"/> or <see cref="CallTransferState.Failed"/>.</summary>
    public bool IsOver
    {
        get { lock (_gate) { return _state >= CallTransferState.Completed; } }
    }

    /// <summary>Warm: the bridge call id of the dialled leg; null until the provider placed it (and for cold).</summary>
    public string? LegCallId
    {
        get { lock (_gate) { return _legCallId; } }
    }

    /// <summary>Records the dialled leg (warm), once.</summary>
    public bool TryBindLeg(string legCallId)
    {
        ArgumentException.ThrowIfNullOrEmpty(legCallId);
        lock (_gate)
        {
            if (_legCallId is not null)
            {
                return string.Equals(_legCallId, legCallId, StringComparison.Ordinal);
            }

            _legCallId = legCallId;
            return true;
        }
    }

    /// <summary>Moves the state forward; false when it was already there, past it, or the transfer is over.</summary>
    public bool Advance(CallTransferState state)
    {
        lock (_gate)
        {
            if (state <= _state || _state >= CallTransferState.Completed)
            {
                return false;
            }

            _state = state;
            return true;
        }
    }

    /// <summary>The <c>state</c> field of the <c>phone.transfer</c> event.</summary>
    public static string StateName(CallTransferState state) => state switch
    {
        CallTransferState.Started => "started",
        CallTransferState.Ringing => "ringing",
        CallTransferState.Answered => "answered",
        CallTransferState.Completed => "completed",
        _ => "failed",
    };
}
