using System.Buffers;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using PhoneBridge.Audio.Tones;

namespace PhoneBridge.Core.Phone;

/// <summary>
/// The socket half every JSON-over-WebSocket phone provider shares: one receive loop reading whole text messages
/// into a pooled buffer, a bounded outbound queue (drop oldest) of media, marks and clears with clear generations,
/// a clean close with an abort backstop, a deadline for the provider's <c>start</c>, and hang-up through the
/// provider's API. It logs what happens to the socket and the messages the protocols share (connected, stop, marks,
/// DTMF, skipped messages through <see cref="Noise"/>), each line naming the provider; a provider adds its message
/// parsing (<see cref="Dispatch"/>), its message writing (<see cref="FormatOutbound"/>) and the lines only its
/// protocol has (its <c>start</c>, its end-of-stream figures).
/// </summary>
/// <remarks>
/// Outbound messages have no writer loop: whoever queues a message while no send is in flight becomes the sender
/// and writes it on its own thread (the phone's receive loop for an echo, the edge's thread for agent audio), then
/// drains whatever others queued meanwhile. Only a send that does not complete at once (socket back-pressure)
/// continues asynchronously. So an outbound frame costs no thread hand-off, and the queue only holds frames while
/// the socket is busy.
/// </remarks>
public abstract class WebSocketPhoneStream : IPhoneMediaStream, IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly ILogger _logger;
    private PhoneProtocolNoise? _noise;
    private readonly TimeProvider _time;
    private readonly int _maxMessageBytes;
    private readonly TimeSpan _closeTimeout;
    private readonly TimeSpan _startTimeout;
    private readonly Func<string, CancellationToken, Task>? _hangUpCall;
    private readonly Lock _sendLock = new();
    private readonly PhoneOutboundMessage[] _queue;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _runEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abort = new();

    // Under _sendLock: the ring of queued messages, whether a sender owns the socket's send side, whether the
    // stream stopped accepting messages, and whether a send failed (the socket is gone; the receive loop sees it).
    private int _queueHead;
    private int _queueCount;
    private bool _sending;
    private bool _closing;
    private bool _closeStarted;
    private bool _sendFailed;

    private int _clearGeneration;
    private int _running;
    private int _hangingUp;
    private ITimer? _closeTimer;
    private ITimer? _startTimer;
    private int _startState;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeDescription = "stream ended";

    private long _framesReceived;
    private long _framesSent;
    private long _dropped;
    private int _binaryFrames;

    /// <param name="maxMessageBytes">Largest inbound message; a larger one closes the socket with 1009.</param>
    /// <param name="sendQueueCapacity">Outbound messages queued before the oldest is dropped.</param>
    /// <param name="closeTimeout">How long closing waits for the queue to flush and the peer to answer the close.</param>
    /// <param name="startTimeout">
    /// How long the peer has to send <c>start</c> once the stream runs; past it the socket is closed with 1008
    /// (policy violation). <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.
    /// </param>
    /// <param name="hangUpCall">Ends the call through the provider's API by <see cref="ApiCallId"/>; null when not possible.</param>
    /// <param name="logger">The provider stream's logger; the lines written here carry <see cref="Provider"/>.</param>
    protected WebSocketPhoneStream(
        WebSocket socket,
        int maxMessageBytes,
        int sendQueueCapacity,
        TimeSpan closeTimeout,
        TimeSpan startTimeout,
        TimeProvider? time,
        Func<string, CancellationToken, Task>? hangUpCall,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sendQueueCapacity, 1);
        if (startTimeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(startTimeout, TimeSpan.Zero);
        }

        _socket = socket;
        _logger = logger;
        _maxMessageBytes = maxMessageBytes;
        _closeTimeout = closeTimeout;
        _startTimeout = startTimeout;
        _time = time ?? TimeProvider.System;
        _hangUpCall = hangUpCall;
        _queue = new PhoneOutboundMessage[sendQueueCapacity];
    }

    public abstract string Provider { get; }

    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>Outbound messages dropped because the queue was full.</summary>
    public long MessagesDropped => Interlocked.Read(ref _dropped);

    /// <summary>Completes when <see cref="RunAsync"/> has returned.</summary>
    public Task Completion => _runEnded.Task;

    /// <summary>True once the provider's <c>start</c> arrived; marks and clears are ignored before.</summary>
    protected abstract bool IsStarted { get; }

    /// <summary>The provider's id of the call for its hang-up API, once known.</summary>
    protected abstract string? ApiCallId { get; }

    /// <summary>Binary frames skipped so far (providers send text only).</summary>
    protected int BinaryFramesSkipped => _binaryFrames;

    /// <summary>Counts (and logs the first of each kind of) the messages the provider part skips; receive loop only.</summary>
    protected PhoneProtocolNoise Noise => _noise ??= new PhoneProtocolNoise(_logger, Provider);

    /// <exception cref="PhoneStreamTimeoutException">
    /// The peer sent no <c>start</c> in time, or stopped answering the server's keep-alive pings; the socket is
    /// closed (or aborted) and the provider part has logged nothing about it, so the caller reports it once.
    /// </exception>
    public async Task RunAsync(IPhoneStreamHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("A media stream runs once.");
        }

        // Cancelling a WebSocket receive aborts the connection, so the caller's token starts a clean close
        // instead; the abort token is the backstop when the peer does not answer in time.
        using var registration = cancellationToken.Register(static state => ((WebSocketPhoneStream)state!).BeginClose("call ended"), this);
        var receive = ArrayPool<byte>.Shared.Rent(_maxMessageBytes);
        OnRunStarting();
        StartDeadline();
        var keepAliveLost = false;
        try
        {
            await ReceiveLoopAsync(handler, receive, _abort.Token).ConfigureAwait(false);
            OnReceiveCompleted(handler);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // A peer that let the start deadline pass is not expected to answer the close either.
            if (Volatile.Read(ref _startState) != StartMissed)
            {
                WebSocketPhoneStreamLog.CloseTimedOut(_logger, Provider);
            }
        }
        catch (Exception e) when (IsKeepAliveTimeout(e))
        {
            keepAliveLost = true;
        }
        catch (WebSocketException e)
        {
            WebSocketPhoneStreamLog.SocketLost(_logger, Provider, e.WebSocketErrorCode);
        }
        finally
        {
            await StopDeadlineAsync().ConfigureAwait(false);
            BeginClose(null);
            await _closed.Task.ConfigureAwait(false);
            await StopCloseTimerAsync().ConfigureAwait(false);
            ArrayPool<byte>.Shared.Return(receive);
            LogNoiseSummary();
            OnRunEnded();
            _runEnded.TrySetResult();
        }

        if (Volatile.Read(ref _startState) == StartMissed)
        {
            throw new PhoneStreamTimeoutException(PhoneStreamTimeout.Start, _startTimeout);
        }

        if (keepAliveLost)
        {
            throw new PhoneStreamTimeoutException(PhoneStreamTimeout.KeepAlive, null);
        }
    }

    public abstract void OnFrame(ReadOnlySpan<short> frame);

    public virtual void SendMark(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsStarted)
        {
            QueueMark(name);
        }
    }

    public virtual void Clear()
    {
        if (IsStarted)
        {
            QueueClear();
        }
    }

    public async ValueTask HangUpAsync(string reason, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _hangingUp, 1) != 0)
        {
            return;
        }

        WebSocketPhoneStreamLog.HangingUp(_logger, Provider, reason);
        if (Volatile.Read(ref _running) == 0)
        {
            _closeDescription = "call ended";
            await CloseSocketAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The sender flushes what is queued, then closes; the provider answers the close and the receive loop ends.
            BeginClose("call ended");
            await _runEnded.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var callId = ApiCallId;
        if (_hangUpCall is not null && callId is not null)
        {
            try
            {
                await _hangUpCall(callId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                WebSocketPhoneStreamLog.ApiHangUpFailed(_logger, e, Provider, callId);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        BeginClose(null);
        if (Volatile.Read(ref _running) != 0)
        {
            await _runEnded.Task.ConfigureAwait(false);
        }

        DropQueued();
        await StopCloseTimerAsync().ConfigureAwait(false);
        _abort.Dispose();
        DisposeCore();
        GC.SuppressFinalize(this);
    }

    /// <summary>Queues an encoded media payload, taking ownership of <paramref name="buffer"/> (rented from the shared pool).</summary>
    protected void QueueMedia(byte[] buffer, int length) =>
        Enqueue(new PhoneOutboundMessage(PhoneOutboundKind.Media, buffer, length, null, Volatile.Read(ref _clearGeneration)));

    protected void QueueMark(string name) =>
        Enqueue(new PhoneOutboundMessage(PhoneOutboundKind.Mark, null, 0, name, Volatile.Read(ref _clearGeneration)));

    /// <summary>Media queued under an older generation is skipped by the sender; the clear empties the provider's buffer.</summary>
    protected void QueueClear()
    {
        var generation = Interlocked.Increment(ref _clearGeneration);
        Enqueue(new PhoneOutboundMessage(PhoneOutboundKind.Clear, null, 0, null, generation));
    }

    protected void CountFrameReceived() => Interlocked.Increment(ref _framesReceived);

    /// <summary>A mark the provider played or cleared: handed on once started, else counted as out of place.</summary>
    protected void DeliverMark(IPhoneStreamHandler handler, string? name)
    {
        if (name is not null && IsStarted)
        {
            handler.OnMark(name);
        }
        else
        {
            Noise.Ignored();
        }
    }

    /// <summary>A key the caller pressed: handed on when it is a DTMF key and the stream has started, else counted as out of place.</summary>
    protected void DeliverDtmf(IPhoneStreamHandler handler, char digit)
    {
        if (DtmfKeys.IndexOf(digit) >= 0 && IsStarted)
        {
            handler.OnDtmf(digit);
        }
        else
        {
            Noise.Ignored();
        }
    }

    /// <summary>The provider's <c>connected</c> message (sent before <c>start</c>).</summary>
    protected void LogProviderConnected() => WebSocketPhoneStreamLog.ProviderConnected(_logger, Provider);

    /// <summary>The provider's <c>stop</c> message: the stream is over.</summary>
    protected void LogStoppedByProvider() => WebSocketPhoneStreamLog.StoppedByProvider(_logger, Provider);

    /// <summary><c>start</c> named a format the bridge cannot carry: logs it and closes with 1007 when the stream ends.</summary>
    protected void RefuseFormat(string problem)
    {
        WebSocketPhoneStreamLog.UnsupportedFormat(_logger, Provider, problem);
        SetCloseReason(WebSocketCloseStatus.InvalidPayloadData, "unsupported media format");
    }

    /// <summary>Sets the status and reason of the close frame sent when the stream ends.</summary>
    protected void SetCloseReason(WebSocketCloseStatus status, string description)
    {
        _closeStatus = status;
        _closeDescription = description;
    }

    private void LogNoiseSummary()
    {
        // Nothing skipped means nothing was counted, so a clean stream never creates its noise counter.
        var noise = _noise;
        if ((noise?.Total ?? 0) + _binaryFrames > 0 || MessagesDropped > 0)
        {
            WebSocketPhoneStreamLog.NoiseSummary(
                _logger, Provider, noise?.Malformed ?? 0, noise?.UnknownEvents ?? 0, _binaryFrames, noise?.BadPayloads ?? 0, noise?.OutOfPlace ?? 0, MessagesDropped);
        }
    }

    /// <summary>Handles one whole text message on the receive loop; false when the stream is over.</summary>
    protected abstract bool Dispatch(IPhoneStreamHandler handler, ReadOnlySpan<byte> message);

    /// <summary>
    /// Writes one outbound message in the provider's wire format into a buffer the implementation owns; only one
    /// call runs at a time. Empty when there is nothing to send yet.
    /// </summary>
    protected abstract ReadOnlyMemory<byte> FormatOutbound(PhoneOutboundKind kind, ReadOnlySpan<byte> payload, string? name);

    /// <summary>Before the receive loop starts: rent what it needs.</summary>
    protected virtual void OnRunStarting()
    {
    }

    /// <summary>The receive loop ended normally (stop, close or a fatal message); nothing has been closed yet.</summary>
    protected virtual void OnReceiveCompleted(IPhoneStreamHandler handler)
    {
    }

    /// <summary>The run is over and the socket closed: return what was rented, log the summary.</summary>
    protected virtual void OnRunEnded()
    {
    }

    /// <summary>Releases what the provider part owns, after the run has ended.</summary>
    protected virtual void DisposeCore()
    {
    }

    /// <summary>
    /// Stops accepting outbound messages; the sender flushes the queue and sends the close frame. If the socket is
    /// not closed within the close timeout, it is aborted.
    /// </summary>
    private void BeginClose(string? description)
    {
        bool closeNow;
        lock (_sendLock)
        {
            if (!_closing)
            {
                if (description is not null)
                {
                    _closeDescription = description;
                }

                _closing = true;
                _closeTimer = _time.CreateTimer(static state => ((WebSocketPhoneStream)state!).Abort(), this, _closeTimeout, Timeout.InfiniteTimeSpan);
            }

            // Again on a later call: closing may have been asked for before the stream ran.
            closeNow = TryStartCloseLocked();
        }

        if (closeNow)
        {
            _ = CloseAfterFlushAsync();
        }
    }

    // _startState: the deadline runs (awaited), no longer applies (settled: start arrived, the stream ended first
    // or there is none), or passed (missed). Only the first change from awaited counts.
    private const int StartAwaited = 0;
    private const int StartSettled = 1;
    private const int StartMissed = 2;

    private void StartDeadline()
    {
        if (_startTimeout == Timeout.InfiniteTimeSpan)
        {
            _startState = StartSettled;
            return;
        }

        var timer = _time.CreateTimer(static state => ((WebSocketPhoneStream)state!).OnStartDeadline(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Volatile.Write(ref _startTimer, timer);
        timer.Change(_startTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>On the receive loop, once <c>start</c> was dispatched: the deadline no longer applies.</summary>
    private void SettleDeadline()
    {
        if (Interlocked.CompareExchange(ref _startState, StartSettled, StartAwaited) == StartAwaited)
        {
            Volatile.Read(ref _startTimer)?.Dispose();
        }
    }

    /// <summary>
    /// No <c>start</c> in time: whoever holds this socket (a stuck provider, a scanner with a leaked URL) keeps a
    /// claimed call for nothing, so the socket is closed with 1008 and the close timer aborts it if need be.
    /// </summary>
    private void OnStartDeadline()
    {
        if (Interlocked.CompareExchange(ref _startState, StartMissed, StartAwaited) != StartAwaited)
        {
            return;
        }

        SetCloseReason(WebSocketCloseStatus.PolicyViolation, "no start message");
        BeginClose(null);
    }

    /// <summary>The run is over: a deadline that has not fired yet no longer can.</summary>
    private async ValueTask StopDeadlineAsync()
    {
        Interlocked.CompareExchange(ref _startState, StartSettled, StartAwaited);
        if (Volatile.Read(ref _startTimer) is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The server's keep-alive (WebSocketOptions.KeepAliveTimeout) aborts a socket whose peer sent no pong in time.
    /// Nothing else here aborts the socket without cancelling <see cref="_abort"/> first, but a peer that drops
    /// the connection or a server that aborts it also leave it aborted, so the socket's own error decides.
    /// </summary>
    private bool IsKeepAliveTimeout(Exception e)
    {
        if (_abort.IsCancellationRequested || _socket.State != WebSocketState.Aborted || e is not (OperationCanceledException or WebSocketException))
        {
            return false;
        }

        if (HasKeepAliveFault(e.InnerException))
        {
            return true;
        }

        // On Kestrel the pending receive fails with the transport's abort instead; the socket keeps the keep-alive
        // error and hands it out (as the inner exception) to the next call, which fails at once on an aborted socket.
        ValueTask<ValueWebSocketReceiveResult> probe;
        try
        {
            probe = _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
        }
        catch (Exception refused)
        {
            return HasKeepAliveFault(refused.InnerException);
        }

        if (!probe.IsCompleted)
        {
            _ = probe.AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return false;
        }

        try
        {
            probe.GetAwaiter().GetResult();
            return false;
        }
        catch (Exception refused)
        {
            return HasKeepAliveFault(refused.InnerException);
        }
    }

    /// <summary>The runtime reports an unanswered keep-alive ping as a Faulted <see cref="WebSocketException"/>.</summary>
    private static bool HasKeepAliveFault(Exception? e) => e switch
    {
        WebSocketException { WebSocketErrorCode: WebSocketError.Faulted } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(HasKeepAliveFault),
        null => false,
        _ => HasKeepAliveFault(e.InnerException),
    };

    private void Abort()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed after the run ended: nothing left to abort.
        }

        // Sends carry no token (a cancellable one costs an allocation per message inside the WebSocket), so a send
        // stuck on a peer that stopped reading ends here. After the cancel, so the receive loop reports the timeout.
        _socket.Abort();
    }

    private async ValueTask StopCloseTimerAsync()
    {
        ITimer? timer;
        lock (_sendLock)
        {
            timer = _closeTimer;
        }

        if (timer is not null)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ReceiveLoopAsync(IPhoneStreamHandler handler, byte[] receive, CancellationToken cancellationToken)
    {
        var max = _maxMessageBytes;
        var count = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(receive.AsMemory(count, max - count), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            count += result.Count;
            if (!result.EndOfMessage)
            {
                if (count >= max)
                {
                    WebSocketPhoneStreamLog.MessageTooBig(_logger, Provider, max);
                    SetCloseReason(WebSocketCloseStatus.MessageTooBig, "message too big");
                    return;
                }

                continue;
            }

            var length = count;
            count = 0;
            if (result.MessageType == WebSocketMessageType.Binary)
            {
                if (_binaryFrames++ == 0)
                {
                    WebSocketPhoneStreamLog.BinaryFrame(_logger, Provider);
                }

                continue;
            }

            if (!Dispatch(handler, receive.AsSpan(0, length)))
            {
                return;
            }

            if (_startState == StartAwaited && IsStarted)
            {
                SettleDeadline();
            }
        }
    }

    private void Enqueue(PhoneOutboundMessage item)
    {
        lock (_sendLock)
        {
            if (_closing || _sendFailed)
            {
                Return(item);
                return;
            }

            if (_sending)
            {
                PushLocked(item);
                return;
            }

            _sending = true;
        }

        Pump(item);
    }

    /// <summary>Bounded: when full, the oldest message is dropped, as audio that late is no use to the caller.</summary>
    private void PushLocked(PhoneOutboundMessage item)
    {
        if (_queueCount == _queue.Length)
        {
            Interlocked.Increment(ref _dropped);
            Return(_queue[_queueHead]);
            _queueHead = (_queueHead + 1) % _queue.Length;
            _queueCount--;
        }

        _queue[(_queueHead + _queueCount) % _queue.Length] = item;
        _queueCount++;
    }

    /// <summary>
    /// Sends <paramref name="item"/> and everything queued after it, on the calling thread, while sends complete at
    /// once; the caller owns the send side (<see cref="_sending"/>) and gives it up here.
    /// </summary>
    private void Pump(PhoneOutboundMessage item)
    {
        while (true)
        {
            try
            {
                var send = Send(item);
                if (!send.IsCompleted)
                {
                    _ = FinishSendAsync(send, item.Kind);
                    return;
                }

                send.GetAwaiter().GetResult();
                CountSent(item.Kind);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                OnSendFailed();
                return;
            }

            if (!TryTakeNext(out item))
            {
                return;
            }
        }
    }

    /// <summary>A send that had to wait (socket back-pressure): the rest of the queue drains from here.</summary>
    private async Task FinishSendAsync(ValueTask send, PhoneOutboundKind kind)
    {
        try
        {
            await send.ConfigureAwait(false);
            CountSent(kind);
            while (TryTakeNext(out var item))
            {
                await Send(item).ConfigureAwait(false);
                CountSent(item.Kind);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            OnSendFailed();
        }
    }

    /// <summary>Takes the next queued message, or gives up the send side (closing the socket if that is due).</summary>
    private bool TryTakeNext(out PhoneOutboundMessage item)
    {
        bool closeNow;
        lock (_sendLock)
        {
            if (_queueCount > 0)
            {
                item = _queue[_queueHead];
                _queue[_queueHead] = default;
                _queueHead = (_queueHead + 1) % _queue.Length;
                _queueCount--;
                return true;
            }

            _sending = false;
            closeNow = TryStartCloseLocked();
        }

        item = default;
        if (closeNow)
        {
            _ = CloseAfterFlushAsync();
        }

        return false;
    }

    /// <summary>The socket is gone; the receive loop sees the same failure and ends the stream.</summary>
    private void OnSendFailed()
    {
        bool closeNow;
        lock (_sendLock)
        {
            _sendFailed = true;
            _sending = false;
            DropQueuedLocked();
            closeNow = TryStartCloseLocked();
        }

        if (closeNow)
        {
            _ = CloseAfterFlushAsync();
        }
    }

    /// <summary>
    /// True once, when the stream runs, closing was asked for and nothing is queued or being sent. (A stream that
    /// never ran is closed by <see cref="HangUpAsync"/> or left to its owner.)
    /// </summary>
    private bool TryStartCloseLocked()
    {
        if (!_closing || _sending || _queueCount > 0 || _closeStarted || Volatile.Read(ref _running) == 0)
        {
            return false;
        }

        _closeStarted = true;
        return true;
    }

    private async Task CloseAfterFlushAsync()
    {
        try
        {
            await CloseSocketAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    /// <summary>Formats <paramref name="item"/>, returns its buffer to the pool and starts the socket send.</summary>
    private ValueTask Send(PhoneOutboundMessage item)
    {
        ReadOnlyMemory<byte> message;
        try
        {
            if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)
                || (item.Kind == PhoneOutboundKind.Media && item.Generation < Volatile.Read(ref _clearGeneration)))
            {
                return ValueTask.CompletedTask;
            }

            message = FormatOutbound(item.Kind, item.Buffer.AsSpan(0, item.Length), item.Name);
            if (message.IsEmpty)
            {
                return ValueTask.CompletedTask;
            }
        }
        finally
        {
            Return(item);
        }

        // No cancellation token: with one, the WebSocket takes a slower path that allocates per message.
        // Abort() ends a send that never completes.
        return _socket.SendAsync(message, WebSocketMessageType.Text, WebSocketMessageFlags.EndOfMessage, CancellationToken.None);
    }

    private void CountSent(PhoneOutboundKind kind)
    {
        if (kind == PhoneOutboundKind.Media)
        {
            Interlocked.Increment(ref _framesSent);
        }
    }

    private async Task CloseSocketAsync(CancellationToken cancellationToken)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(_closeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken, _abort.Token);
        try
        {
            await _socket.CloseOutputAsync(_closeStatus, _closeDescription, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    private void DropQueued()
    {
        lock (_sendLock)
        {
            DropQueuedLocked();
        }
    }

    private void DropQueuedLocked()
    {
        while (_queueCount > 0)
        {
            Return(_queue[_queueHead]);
            _queue[_queueHead] = default;
            _queueHead = (_queueHead + 1) % _queue.Length;
            _queueCount--;
        }
    }

    private static void Return(PhoneOutboundMessage item)
    {
        if (item.Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }
}
