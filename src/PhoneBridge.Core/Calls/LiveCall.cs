using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// A call the bridge knows now, from registration to release: what <c>GET /calls</c> lists and what the call-control
/// endpoints act on. <see cref="CallInfo.From"/> and <see cref="CallInfo.To"/> stay raw here; whoever shows them masks them.
/// </summary>
public sealed class LiveCall
{
    private readonly Lock _gate = new();
    private string? _providerCallId;
    private CallState _state;
    private bool _held;
    private ICallMediaControl? _media;
    private CallTransfer? _transfer;
    private CallAmd? _amd;
    private volatile bool _recordingRequested;

    public LiveCall(CallInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        Info = info;
        _providerCallId = info.ProviderCallId;
    }

    public CallInfo Info { get; }

    public string CallId => Info.CallId;

    public string Provider => Info.Provider;

    public CallDirection Direction => Info.Direction;

    /// <summary>The edge call this phone joins (Stream call type and id).</summary>
    public EdgeCallAddress? EdgeCall => Info.EdgeCall;

    /// <summary>Twilio CallSid or Telnyx call_control_id; for a call we placed, known once the provider accepted it.</summary>
    public string? ProviderCallId
    {
        get => Volatile.Read(ref _providerCallId);
        set => Volatile.Write(ref _providerCallId, value);
    }

    public CallState State
    {
        get { lock (_gate) { return _state; } }
    }

    public bool IsHeld
    {
        get { lock (_gate) { return _held; } }
    }

    /// <summary>Jitter, loss, latency and levels as the media path measures them.</summary>
    public CallQuality Quality { get; } = new();

    /// <summary>What happened to the call so far (bounded), for the dashboard's call page.</summary>
    public CallTimeline Timeline { get; } = new();

    /// <summary>The call's media pipeline once its media stream is attached; null before and after.</summary>
    public ICallMediaControl? Media
    {
        get { lock (_gate) { return _media; } }
    }

    /// <summary>Record this call from when its media starts (<c>recording: true</c> on <c>POST /calls</c>).</summary>
    public bool RecordingRequested
    {
        get => _recordingRequested;
        set => _recordingRequested = value;
    }

    /// <summary>The call's latest transfer (in progress or over); null when it was never transferred.</summary>
    public CallTransfer? Transfer
    {
        get { lock (_gate) { return _transfer; } }
    }

    /// <summary>The answering-machine detection verdict of a call placed with it; null until the provider gave one.</summary>
    public CallAmd? Amd
    {
        get { lock (_gate) { return _amd; } }
    }

    /// <summary>Keeps the latest detection verdict; false when it equals the one already kept.</summary>
    public bool SetAmd(CallAmd amd)
    {
        ArgumentNullException.ThrowIfNull(amd);
        lock (_gate)
        {
            if (amd.Equals(_amd))
            {
                return false;
            }

            _amd = amd;
            return true;
        }
    }

    /// <summary>
    /// Starts <paramref name="transfer"/> unless another one is in progress or a cold transfer already took the
    /// caller away; false (and nothing changed) then.
    /// </summary>
    public bool TryBeginTransfer(CallTransfer transfer)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        lock (_gate)
        {
            if (_transfer is { } current
                && (!current.IsOver || (current.Mode == CallTransferMode.Cold && current.State == CallTransferState.Completed)))
            {
                return false;
            }

            _transfer = transfer;
            return true;
        }
    }

    /// <summary>Moves the state forward (never back); false when it was already there or past it.</summary>
    public bool Advance(CallState state)
    {
        lock (_gate)
        {
            if (state <= _state)
            {
                return false;
            }

            _state = state;
            return true;
        }
    }

    /// <summary>Holds or resumes; a hold asked for before the media is attached applies when it is. False when unchanged.</summary>
    public bool SetHeld(bool held)
    {
        lock (_gate)
        {
            if (_held == held)
            {
                return false;
            }

            _held = held;
            _media?.SetHeld(held);
            return true;
        }
    }

    /// <summary>Called by the bridge when the pipeline exists (applies a pending hold) and with null when it is gone.</summary>
    public void AttachMedia(ICallMediaControl? media)
    {
        lock (_gate)
        {
            _media = media;
            if (media is not null && _held)
            {
                media.SetHeld(true);
            }
        }
    }
}
