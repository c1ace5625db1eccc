using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace PhoneBridge.Core.Phone;

/// <summary>
/// The socket half every JSON-over-WebSocket phone provider shares: one receive loop reading whole text messages
/// into a pooled buffer, a bounded outbound queue (drop oldest) of media, marks and clears with clear generations,
/// a clean close with an abort backstop, and hang-up through the provider's API. A provider adds its message
/// parsing (<see cref="Dispatch"/>), its message writing (<see cref="FormatOutbound"/>) and its logs.
/// </summary>
public abstract class WebSocketPhoneStream : IPhoneMediaStream, IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly TimeProvider _time;
    private readonly int _maxMessageBytes;
    private readonly TimeSpan _closeTimeout;
    private readonly Func<string, CancellationToken, Task>? _hangUpCall;
    private readonly Channel<PhoneOutboundMessage> _outgoing;
    private readonly TaskCompletionSource _runEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abort = new();

    private int _clearGeneration;
    private int _running;
    private int _hangingUp;
    private ITimer? _closeTimer;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeDescription = "stream ended";

    private long _framesReceived;
    private long _framesSent;
    private long _dropped;
    private int _binaryFrames;

    /// <param name="maxMessageBytes">Largest inbound message; a larger one closes the socket with 1009.</param>
    /// <param name="sendQueueCapacity">Outbound messages queued before the oldest is dropped.</param>
    /// <param name="closeTimeout">How long closing waits for the queue to flush and the peer to answer the close.</param>
    /// <param name="hangUpCall">Ends the call through the provider's API by <see cref="ApiCallId"/>; null when not possible.</param>
    protected WebSocketPhoneStream(
        WebSocket socket,
        int maxMessageBytes,
        int sendQueueCapacity,
        TimeSpan closeTimeout,
        TimeProvider? time,
        Func<string, CancellationToken, Task>? hangUpCall)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sendQueueCapacity, 1);
        _socket = socket;
        _maxMessageBytes = maxMessageBytes;
        _closeTimeout = closeTimeout;
        _time = time ?? TimeProvider.System;
        _hangUpCall = hangUpCall;
        _outgoing = Channel.CreateBounded<PhoneOutboundMessage>(
            new BoundedChannelOptions(sendQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
                AllowSynchronousContinuations = false,
            },
            OnDropped);
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
        var writer = WriteLoopAsync(_abort.Token);
        var receive = ArrayPool<byte>.Shared.Rent(_maxMessageBytes);
        OnRunStarting();
        try
        {
            await ReceiveLoopAsync(handler, receive, _abort.Token).ConfigureAwait(false);
            OnReceiveCompleted(handler);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            ReportCloseTimedOut();
        }
        catch (WebSocketException e)
        {
            ReportSocketLost(e.WebSocketErrorCode);
        }
        finally
        {
            BeginClose(null);
            await writer.ConfigureAwait(false);
            await StopCloseTimerAsync().ConfigureAwait(false);
            ArrayPool<byte>.Shared.Return(receive);
            OnRunEnded();
            _runEnded.TrySetResult();
        }
    }

    public abstract void SendAudio(ReadOnlySpan<short> pcm);

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

        ReportHangingUp(reason);
        if (Volatile.Read(ref _running) == 0)
        {
            _closeDescription = "call ended";
            await CloseSocketAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The writer flushes what is queued, then closes; the provider answers the close and the receive loop ends.
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
                ReportApiHangUpFailed(e, callId);
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

        while (_outgoing.Reader.TryRead(out var item))
        {
            Return(item);
        }

        await StopCloseTimerAsync().ConfigureAwait(false);
        _abort.Dispose();
        DisposeCore();
        GC.SuppressFinalize(this);
    }

    /// <summary>Queues an encoded media payload, taking ownership of <paramref name="buffer"/> (rented from the shared pool).</summary>
    protected void QueueMedia(byte[] buffer, int length)
    {
        if (!_outgoing.Writer.TryWrite(new PhoneOutboundMessage(PhoneOutboundKind.Media, buffer, length, null, Volatile.Read(ref _clearGeneration))))
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected void QueueMark(string name) =>
        _outgoing.Writer.TryWrite(new PhoneOutboundMessage(PhoneOutboundKind.Mark, null, 0, name, Volatile.Read(ref _clearGeneration)));

    /// <summary>Media queued under an older generation is skipped by the writer; the clear empties the provider's buffer.</summary>
    protected void QueueClear()
    {
        var generation = Interlocked.Increment(ref _clearGeneration);
        _outgoing.Writer.TryWrite(new PhoneOutboundMessage(PhoneOutboundKind.Clear, null, 0, null, generation));
    }

    protected void CountFrameReceived() => Interlocked.Increment(ref _framesReceived);

    /// <summary>Sets the status and reason of the close frame sent when the stream ends.</summary>
    protected void SetCloseReason(WebSocketCloseStatus status, string description)
    {
        _closeStatus = status;
        _closeDescription = description;
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

    protected abstract void ReportBinaryFrame();

    protected abstract void ReportMessageTooBig(int maxBytes);

    protected abstract void ReportSocketLost(WebSocketError error);

    protected abstract void ReportCloseTimedOut();

    protected abstract void ReportHangingUp(string reason);

    protected abstract void ReportApiHangUpFailed(Exception exception, string callId);

    /// <summary>
    /// Stops accepting outbound messages; the writer flushes the queue and sends the close frame. If the socket is
    /// not closed within the close timeout, it is aborted.
    /// </summary>
    private void BeginClose(string? description)
    {
        lock (_outgoing)
        {
            if (_closeTimer is not null)
            {
                return;
            }

            if (description is not null)
            {
                _closeDescription = description;
            }

            _outgoing.Writer.TryComplete();
            _closeTimer = _time.CreateTimer(static state => ((WebSocketPhoneStream)state!).Abort(), this, _closeTimeout, Timeout.InfiniteTimeSpan);
        }
    }

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
    }

    private async ValueTask StopCloseTimerAsync()
    {
        ITimer? timer;
        lock (_outgoing)
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
                    ReportMessageTooBig(max);
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
                    ReportBinaryFrame();
                }

                continue;
            }

            if (!Dispatch(handler, receive.AsSpan(0, length)))
            {
                return;
            }
        }
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    try
                    {
                        await SendAsync(item, cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        Return(item);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            // The receive loop sees the same failure and ends the stream.
        }
        finally
        {
            while (reader.TryRead(out var item))
            {
                Return(item);
            }
        }

        await CloseSocketAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async ValueTask SendAsync(PhoneOutboundMessage item, CancellationToken cancellationToken)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        if (item.Kind == PhoneOutboundKind.Media && item.Generation < Volatile.Read(ref _clearGeneration))
        {
            return;
        }

        var message = FormatOutbound(item.Kind, item.Buffer.AsSpan(0, item.Length), item.Name);
        if (message.IsEmpty)
        {
            return;
        }

        await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        if (item.Kind == PhoneOutboundKind.Media)
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

    private void OnDropped(PhoneOutboundMessage item)
    {
        Interlocked.Increment(ref _dropped);
        Return(item);
    }

    private static void Return(PhoneOutboundMessage item)
    {
        if (item.Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }
}
