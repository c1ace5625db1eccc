using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PhoneBridge.Audio;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Phone;
using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Sfu;

namespace PhoneBridge.Stream.Edge;

/// <summary>The phone participant in a Stream call.</summary>
internal sealed class StreamEdgeSession : IEdgeSession, IStreamMediaSink
{
    /// <summary>Custom event type sent for each key the caller presses.</summary>
    public const string DtmfEventType = "phone.dtmf";

    private readonly StreamEdge _edge;
    private readonly IEdgeSessionHandler _handler;
    private readonly string _callId;
    private readonly ILogger _logger;
    private readonly RemoteAudioMixer _mixer;
    private readonly Channel<char> _dtmf = Channel.CreateBounded<char>(new BoundedChannelOptions(32)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private SfuSession? _sfu;
    private IStreamMedia? _media;
    private Task _dtmfLoop = Task.CompletedTask;
    private Task _phoneUserUpdate = Task.CompletedTask;
    private int _streamStarted;
    private int _left;

    public StreamEdgeSession(StreamEdge edge, IEdgeSessionHandler handler, string callId, string callType, string streamCallId, string userId,
        int sampleRate, StreamOptions options, TimeProvider time, ILogger logger)
    {
        _edge = edge;
        _handler = handler;
        _callId = callId;
        CallType = callType;
        StreamCallId = streamCallId;
        UserId = userId;
        _logger = logger;
        _mixer = new RemoteAudioMixer(sampleRate, options.ResumeGap, time, _handler.RemoteAudio, _handler.OnRemoteAudioResumed);
    }

    public string CallType { get; }

    public string StreamCallId { get; }

    public string CallCid => CallType + ":" + StreamCallId;

    /// <summary>The bridge's id of the phone call this participant carries.</summary>
    public string BridgeCallId => _callId;

    public string UserId { get; }

    public Task Completion => _completion.Task;

    public EdgeReceiveStats? ReceiveStats => _media?.ReceiveStats;

    /// <summary>What the join wrote on the phone user; null when it knew nothing of the call.</summary>
    public PhoneUserWritten? PhoneUser { get; init; }

    public async Task StartAsync(SfuSession sfu, IStreamMedia media, CancellationToken cancellationToken)
    {
        _sfu = sfu;
        _media = media;
        await sfu.JoinAsync(cancellationToken).ConfigureAwait(false);
        _dtmfLoop = Task.Run(DtmfLoopAsync);
        _ = sfu.Completion.ContinueWith(t => OnSfuEnded(t.Result), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    public void OnFrame(ReadOnlySpan<short> frame)
    {
        if (_sfu is { CanPublishAudio: true } && _left == 0)
        {
            _media?.OnFrame(frame);
        }
    }

    public void SendDtmf(char digit)
    {
        if (!_dtmf.Writer.TryWrite(digit))
        {
            EdgeLog.DtmfDropped(_logger, _callId);
        }
    }

    /// <summary>
    /// Writes <c>custom.phone</c> again when the start message adds to what the join wrote (parameters only the media
    /// stream carries, the provider's call id of a call we dialled). One request in the background, bounded by the
    /// coordinator's timeouts and ended when the session is left.
    /// </summary>
    public void OnPhoneStreamStarted(PhoneStreamStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (PhoneUser is not { } written || Interlocked.Exchange(ref _streamStarted, 1) == 1 || _left == 1)
        {
            return;
        }

        var call = written.Call;
        var parameters = PhoneCustomData.WithStartParameters(call.CustomParameters, start.CustomParameters);
        var providerCallId = string.IsNullOrEmpty(call.ProviderCallId) ? start.ProviderCallId : call.ProviderCallId;
        if (parameters is null && string.Equals(providerCallId, call.ProviderCallId, StringComparison.Ordinal))
        {
            return;
        }

        var phone = PhoneCustomData.Build(call, providerCallId, parameters ?? call.CustomParameters, _edge.Options.CurrentValue);
        _phoneUserUpdate = Task.Run(() => UpdatePhoneUserAsync(written.DisplayName, phone));
    }

    public IAudioFrameSink RemoteTrack(string trackKey) => new MixerInput(this, trackKey);

    public void RequestHangup(string reason)
    {
        EdgeLog.HangupRequested(_logger, _callId, reason);
        _handler.OnHangupRequested(reason);
    }

    public async ValueTask LeaveAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _left, 1) == 1)
        {
            return;
        }

        _edge.Forget(this);
        _dtmf.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_sfu is not null)
        {
            await _sfu.LeaveAsync("phone hung up").ConfigureAwait(false);
        }

        if (_media is not null)
        {
            await _media.DisposeAsync().ConfigureAwait(false);
        }

        _completion.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await LeaveAsync(CancellationToken.None).ConfigureAwait(false);
        if (_sfu is not null)
        {
            await _sfu.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            await _dtmfLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _phoneUserUpdate.ConfigureAwait(false);
        _stop.Dispose();
    }

    private void OnSfuEnded(SfuSessionEnd end)
    {
        EdgeLog.Ended(_logger, _callId, end.Kind, end.Reason);
        if (end.Kind == SfuSessionEndKind.Failed)
        {
            _completion.TrySetException(new SfuErrorException("Stream session failed: " + end.Reason));
        }
        else
        {
            _completion.TrySetResult();
        }
    }

    private async Task UpdatePhoneUserAsync(string displayName, JsonElement phone)
    {
        CancellationToken stop;
        try
        {
            stop = _stop.Token;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        // The coordinator client retries within its own budget; this bounds the whole write.
        using var timeout = new CancellationTokenSource(_edge.Options.CurrentValue.RequestTimeout * 2, _edge.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        try
        {
            await _edge.Coordinator.SetUserAsync(UserId, displayName, StreamEdge.PhoneOnly(phone), linked.Token).ConfigureAwait(false);
            EdgeLog.PhoneUserUpdated(_logger, _callId);
        }
        catch (StreamApiException e)
        {
            EdgeLog.PhoneUserUpdateFailed(_logger, _callId, e.Message);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            if (!stop.IsCancellationRequested)
            {
                EdgeLog.PhoneUserUpdateFailed(_logger, _callId, "timed out");
            }
        }
    }

    private async Task DtmfLoopAsync()
    {
        var token = _stop.Token;
        try
        {
            await foreach (var digit in _dtmf.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                try
                {
                    await _edge.Coordinator.SendCustomEventAsync(CallType, StreamCallId, UserId, DtmfEvent(digit), token).ConfigureAwait(false);
                }
                catch (StreamApiException e)
                {
                    EdgeLog.DtmfFailed(_logger, _callId, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    private static Dictionary<string, JsonElement> DtmfEvent(char digit) => new(StringComparer.Ordinal)
    {
        ["type"] = JsonSerializer.SerializeToElement(DtmfEventType, EdgeJsonContext.Default.String),
        ["digit"] = JsonSerializer.SerializeToElement(digit.ToString(), EdgeJsonContext.Default.String),
    };

    /// <summary>One remote track's way into the mixer, closed once the session has left.</summary>
    private sealed class MixerInput(StreamEdgeSession session, string trackKey) : IAudioFrameSink
    {
        public void OnFrame(ReadOnlySpan<short> frame)
        {
            if (session._left == 0)
            {
                session._mixer.OnFrame(trackKey, frame);
            }
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class EdgeJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
