using System.Diagnostics;
using PhoneBridge.Audio;
using PhoneBridge.Core.Bridge.Pipeline;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Registry;
using PhoneBridge.Core.Telemetry;

namespace PhoneBridge.Core.Bridge;

/// <summary>
/// One bridged call: the handler of both sides and the owner of their shutdown. Audio runs through the call's
/// <see cref="CallMediaPipeline"/>, whose two chains are the sinks each side delivers to; phone events arrive on
/// the phone's receive loop, edge events on the edge's threads; neither path blocks or allocates per frame.
/// </summary>
internal sealed class BridgedCall : IPhoneStreamHandler, IEdgeSessionHandler
{
    private readonly CallBridge _bridge;
    private readonly RegisteredCall _call;
    private readonly IPhoneMediaStream _phone;
    private readonly string _phoneUserId;
    private readonly CancellationTokenSource _lifetime;
    private readonly TaskCompletionSource<string> _endRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly CallMediaPipeline _media;
    private readonly EarlyDigitBuffer _digits = new();
    private readonly LiveCall? _live;

    private int _started;
    private FirstAudioSpan? _firstAudio;
    private IEdgeSession? _session;
    private Task? _joinTask;

    public BridgedCall(CallBridge bridge, RegisteredCall call, IPhoneMediaStream phone, string phoneUserId, CancellationTokenSource lifetime)
    {
        _bridge = bridge;
        _call = call;
        _phone = phone;
        _phoneUserId = phoneUserId;
        _lifetime = lifetime;
        // The levels go to the live call's quality; its timeline notes the first audio (once, not per frame).
        if (bridge.Directory?.TryGet(call.CallId, out var live) == true)
        {
            _live = live;
        }

        _media = new CallMediaPipeline(
            phone, bridge.Counters, bridge.HoldAudio, _live?.Quality, _live is null ? null : () => Note("audio", "first audio from the phone"));
    }

    private string CallId => _call.CallId;

    private bool Ending => _media.IsClosed;

    public IAudioFrameSink CallerAudio => _media.PhoneToEdge.Input;

    public IAudioFrameSink RemoteAudio => _media.EdgeToPhone.Input;

    /// <summary>Runs until both sides are down; returns why the call ended.</summary>
    public async Task<string> RunAsync()
    {
        // External cancellation (shutdown, registry release) ends the call like an edge-side end:
        // the phone is hung up rather than just abandoned.
        using var cancelled = _lifetime.Token.Register(static s => ((BridgedCall)s!).RequestEnd("call released"), this);
        BridgeLog.MediaPipeline(_bridge.Logger, CallId, _media.PhoneToEdge.Description, _media.EdgeToPhone.Description);

        Task phoneTask;
        try
        {
            phoneTask = _phone.RunAsync(this, _lifetime.Token);
        }
        catch (Exception ex)
        {
            phoneTask = Task.FromException(ex);
        }

        string reason;
        var first = await Task.WhenAny(phoneTask, _endRequested.Task).ConfigureAwait(false);
        using var endSpan = CallTracing.StartCallSpan(CallTracing.End, _call.Info);
        _media.Close();
        _bridge.Recorder?.Detach(CallId);

        // Only this method cancels the lifetime from inside, and not yet: a cancelled token here means
        // shutdown or release, which may also have stopped the phone stream first.
        var released = _lifetime.IsCancellationRequested;
        if (first == phoneTask && !released)
        {
            reason = "phone stream ended";
            if (phoneTask.Exception?.InnerException is PhoneStreamTimeoutException timeout)
            {
                // The peer went quiet and its socket is closed; a provider call can outlive its media socket
                // (Telnyx's does), so it is hung up through the provider's API as well.
                reason = ReportTimeout(timeout);
                await RunShutdownStepAsync("phone hangup", ct => _phone.HangUpAsync(reason, ct).AsTask()).ConfigureAwait(false);
            }
            else if (phoneTask.Exception is { } failure && failure.InnerException is not OperationCanceledException)
            {
                reason = "phone stream failed";
                BridgeLog.PhoneFailed(_bridge.Logger, CallId, failure.InnerException ?? failure);
            }

            // Stop a join in progress; a live session is left below without waiting for anything else.
            await _lifetime.CancelAsync().ConfigureAwait(false);
        }
        else
        {
            reason = _endRequested.Task.IsCompleted ? await _endRequested.Task.ConfigureAwait(false) : "call released";
            await RunShutdownStepAsync("phone hangup", ct => _phone.HangUpAsync(reason, ct).AsTask()).ConfigureAwait(false);
            await _lifetime.CancelAsync().ConfigureAwait(false);
            await RunShutdownStepAsync("phone stream stop", ct => WhenPhoneEndedAsync(phoneTask, ct)).ConfigureAwait(false);

            // A socket the server aborts (keep-alive unanswered) aborts its request too, and that may release the
            // call before the stream has said why it ended.
            if (phoneTask.Exception?.InnerException is PhoneStreamTimeoutException timeout)
            {
                reason = ReportTimeout(timeout);
            }
        }

        await FinishEdgeAsync().ConfigureAwait(false);
        endSpan?.SetTag(TagNames.EndReason, reason);
        return reason;
    }

    /// <summary>Waits for the phone stream; a timeout is the caller's to report, not a failed shutdown step.</summary>
    private static async Task WhenPhoneEndedAsync(Task phoneTask, CancellationToken cancellationToken)
    {
        try
        {
            await phoneTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PhoneStreamTimeoutException)
        {
        }
    }

    private string ReportTimeout(PhoneStreamTimeoutException timeout)
    {
        if (timeout.Kind == PhoneStreamTimeout.Start)
        {
            BridgeLog.PhoneStartTimedOut(_bridge.Logger, CallId);
            return "no start message";
        }

        BridgeLog.PhoneKeepAliveTimedOut(_bridge.Logger, CallId);
        return "keep-alive pings unanswered";
    }

    public void OnStarted(PhoneStreamStart start)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            BridgeLog.DuplicateStart(_bridge.Logger, CallId);
            return;
        }

        BridgeLog.PhoneStarted(_bridge.Logger, CallId, start.Format.Encoding, start.Format.SampleRate);
        _bridge.Directory?.MarkAnswered(CallId);
        _media.EarlyAudio.Start(start.Format.SamplesPerFrame, _bridge.Options.PreLiveBuffer);
        _media.Start(start.Format);
        LiveCall? live = null;
        if (_bridge.Directory?.TryGet(CallId, out live) == true)
        {
            // Hold and DTMF from the API act on this pipeline from now; the directory detaches it when the call ends.
            live.AttachMedia(_media.Control);
        }

        // Recorded from here if every call is or this one was asked for, and the API can start a recording from now.
        _bridge.Recorder?.Attach(_call.Info, live, _media.Recording, start.Format);

        // The join (and the prepare it waits for) runs off the receive loop, which must keep reading.
        Volatile.Write(ref _joinTask, Task.Run(() => JoinAndWatchAsync(start)));
    }

    public void OnDtmf(char digit)
    {
        if (Ending)
        {
            return;
        }

        _media.Recording.OnDtmf(digit);
        Note("dtmf", "key " + digit);
        if (!_digits.Send(digit))
        {
            BridgeLog.DtmfBeforeLive(_bridge.Logger, CallId);
        }
    }

    public void OnMark(string name)
    {
        // The bridge sends no marks of its own; edges that need playback acknowledgements use their own.
    }

    public void OnRemoteAudioResumed()
    {
        // Clearing would cut tones already queued towards the caller, and a cut tone or pause can lose or split a key.
        if (!Ending && !_media.Control.TonesPending)
        {
            _phone.Clear();
        }
    }

    public void OnHangupRequested(string reason)
    {
        BridgeLog.HangupRequested(_bridge.Logger, CallId, reason);
        RequestEnd("hangup requested by edge");
    }

    private void RequestEnd(string reason) => _endRequested.TrySetResult(reason);

    private async Task JoinAndWatchAsync(PhoneStreamStart start)
    {
        var token = _lifetime.Token;
        var joinStarted = _bridge.Time.GetTimestamp();
        object? prepared;
        try
        {
            prepared = await _call.Prepared.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            BridgeLog.PrepareFailed(_bridge.Logger, CallId, ex);
            RequestEnd("prepare failed");
            return;
        }

        var request = new EdgeJoinRequest(
            CallId,
            _phoneUserId,
            DisplayName(_call.Info),
            start.Format.SampleRate,
            prepared,
            _call.Info.EdgeCall,
            _call.Info);

        IEdgeSession session;
        using (var joinSpan = CallTracing.StartCallSpan(CallTracing.EdgeJoin, _call.Info))
        {
            joinSpan?.SetTag(TagNames.Edge, _bridge.Edge.Name);
            try
            {
                session = await _bridge.JoinEdgeAsync(_call, request, this, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                joinSpan?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                BridgeLog.JoinFailed(_bridge.Logger, CallId, _bridge.Edge.Name, ex);
                RequestEnd("edge join failed");
                return;
            }
        }

        int flushed;
        lock (_gate)
        {
            _session = session;
            if (token.IsCancellationRequested)
            {
                return;
            }

            _media.EdgePublish.Attach(session);
            flushed = _media.EarlyAudio.GoLive();
            _digits.GoLive(session);
            WatchFirstAudio();
        }

        _live?.Quality.AttachEdge(session);
        _bridge.Counters.EdgeLive(_call.Info.Provider, _bridge.Edge.Name, _call.Info.Direction, _bridge.Time.GetUtcNow() - _call.Info.RegisteredAt);

        // Here, not in OnStarted: this runs off the receive loop, and the session exists now.
        session.OnPhoneStreamStarted(start);

        Note("edge", $"joined the {_bridge.Edge.Name} edge in {(long)_bridge.Time.GetElapsedTime(joinStarted).TotalMilliseconds} ms");
        BridgeLog.Live(
            _bridge.Logger,
            CallId,
            (long)_bridge.Time.GetElapsedTime(joinStarted).TotalMilliseconds,
            flushed * 1000 / start.Format.SampleRate,
            _media.EarlyAudio.DroppedFrames);

        try
        {
            await session.Completion.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            BridgeLog.EdgeFailed(_bridge.Logger, CallId, ex);
            RequestEnd("edge session failed");
            return;
        }

        RequestEnd("edge call ended");
    }

    /// <summary>
    /// The first-audio span runs from the edge going live to the first frame the edge sends towards the caller (the
    /// agent's first words, or its silence); under the gate, so a call ending meanwhile closes it.
    /// </summary>
    private void WatchFirstAudio()
    {
        // Started without becoming the current span here: it ends elsewhere, not in this flow.
        var current = Activity.Current;
        var span = CallTracing.StartCallSpan(CallTracing.FirstAudio, _call.Info);
        Activity.Current = current;
        if (span is null)
        {
            return;
        }

        var firstAudio = new FirstAudioSpan(span, _bridge.Time);
        _firstAudio = firstAudio;
        _media.Control.OnNextRemoteFrame(firstAudio.Arrived);
    }

    private async Task FinishEdgeAsync()
    {
        var join = Volatile.Read(ref _joinTask);
        if (join is not null)
        {
            await RunShutdownStepAsync("edge join", ct => join.WaitAsync(ct)).ConfigureAwait(false);
        }

        IEdgeSession? session;
        lock (_gate)
        {
            session = _session;
            _media.EarlyAudio.Release();
            _digits.Release();
            _media.Control.OnNextRemoteFrame(null);
            _firstAudio?.Abandon();
        }

        // The last statistics stay on the call for whoever reads it as it ends; the session is not read after this.
        _live?.Quality.Refresh();
        _live?.Quality.AttachEdge(null);

        if (session is not null)
        {
            await RunShutdownStepAsync("edge leave", ct => session.LeaveAsync(ct).AsTask()).ConfigureAwait(false);
            await RunShutdownStepAsync("edge dispose", _ => session.DisposeAsync().AsTask()).ConfigureAwait(false);
        }

        // A claimed call's prepared work belongs to the bridge; it may still be finishing.
        _ = DisposePreparedAsync(_call.Prepared);
    }

    private async Task DisposePreparedAsync(Task<object?> prepared)
    {
        try
        {
            await PreparedWork.DisposeAsync(await prepared.ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception) when (prepared.IsFaulted || prepared.IsCanceled)
        {
            // Already reported by the join, or cancelled because the call ended first.
        }
        catch (Exception ex)
        {
            BridgeLog.ShutdownStepFailed(_bridge.Logger, CallId, "prepared work dispose", ex);
        }
    }

    private async Task RunShutdownStepAsync(string step, Func<CancellationToken, Task> action)
    {
        using var timeout = new CancellationTokenSource(_bridge.Options.ShutdownTimeout, _bridge.Time);
        try
        {
            await action(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
        {
            // The step was cancelled because the call is ending, which is what we asked for.
        }
        catch (Exception ex)
        {
            BridgeLog.ShutdownStepFailed(_bridge.Logger, CallId, step, ex);
        }
    }

    /// <summary>Notes something in the live call's timeline (rare events only: never per frame).</summary>
    private void Note(string kind, string detail) => _live?.Timeline.Add(_bridge.Time.GetUtcNow(), kind, detail);

    private static string DisplayName(CallInfo info) => PhoneParticipant.DisplayName(info);
}
