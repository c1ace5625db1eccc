using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Audio;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Telnyx.Media;

/// <summary>
/// A Telnyx media streaming socket seen as PCM16 at the negotiated rate (PCMU/PCMA at 8 kHz, L16 big-endian at
/// 16 kHz). One receive loop parses Telnyx's JSON in place from pooled buffers and restores chunk order in a small
/// window; one writer loop drains a bounded queue (drop oldest) of 20 ms frames, marks and clears. Neither
/// direction allocates per frame.
/// </summary>
public sealed partial class TelnyxMediaStream : IPhoneMediaStream, IAsyncDisposable
{
    private const string DtmfDigits = "0123456789*#ABCD";

    private static readonly Dictionary<string, string> NoParameters = new(StringComparer.Ordinal);

    private readonly WebSocket _socket;
    private readonly TelnyxMediaStreamOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<string, CancellationToken, Task>? _hangUpCall;
    private readonly Channel<OutgoingMessage> _outgoing;
    private readonly TaskCompletionSource _runEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _sendGate = new();

    // Set once on start; SendAudio reads it without a lock.
    private volatile StartedFormat? _format;
    private string? _callControlId;

    // Caller-side audio is cut into exact 20 ms frames here (Telnyx wants at least 20 ms per chunk).
    private short[]? _pending;
    private int _pendingCount;

    private int _clearGeneration;
    private int _running;
    private int _hangingUp;
    private ITimer? _closeTimer;
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;
    private string _closeDescription = "stream ended";

    private long _framesReceived;
    private long _framesSent;
    private long _dropped;

    // Protocol noise is logged the first time per stream and counted after that.
    private int _malformed;
    private int _unknownEvents;
    private int _binaryFrames;
    private int _badPayloads;
    private int _ignored;
    private int _providerErrors;

    /// <param name="callControlId">The Telnyx call, when known before <c>start</c> (used to hang up).</param>
    /// <param name="hangUpCall">Hangs the call up through Call Control by <c>call_control_id</c>; null when not possible.</param>
    public TelnyxMediaStream(
        WebSocket socket,
        TelnyxMediaStreamOptions options,
        ILogger<TelnyxMediaStream> logger,
        TimeProvider? time = null,
        string? callControlId = null,
        Func<string, CancellationToken, Task>? hangUpCall = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _socket = socket;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _callControlId = callControlId;
        _hangUpCall = hangUpCall;
        _outgoing = Channel.CreateBounded<OutgoingMessage>(
            new BoundedChannelOptions(options.SendQueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
                AllowSynchronousContinuations = false,
            },
            OnDropped);
    }

    public string Provider => TelnyxProvider.Name;

    /// <summary>The negotiated format once <c>start</c> arrived.</summary>
    public PhoneAudioFormat? Format => _format?.Format;

    /// <summary>Telnyx's <c>call_control_id</c>, from the constructor or <c>start</c>.</summary>
    public string? CallControlId => Volatile.Read(ref _callControlId);

    public long FramesReceived => Interlocked.Read(ref _framesReceived);

    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>Outbound messages dropped because the queue was full.</summary>
    public long MessagesDropped => Interlocked.Read(ref _dropped);

    /// <summary>Completes when <see cref="RunAsync"/> has returned.</summary>
    public Task Completion => _runEnded.Task;

    public async Task RunAsync(IPhoneStreamHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("A media stream runs once.");
        }

        // Cancelling a WebSocket receive aborts the connection, so the caller's token starts a clean close
        // instead; the abort token is the backstop when the peer does not answer in time.
        using var registration = cancellationToken.Register(static state => ((TelnyxMediaStream)state!).BeginClose("call ended"), this);
        var writer = WriteLoopAsync(_abort.Token);
        var max = _options.MaxMessageBytes;
        var receive = ArrayPool<byte>.Shared.Rent(max);
        var scratch = ArrayPool<byte>.Shared.Rent(max);
        var decoded = ArrayPool<byte>.Shared.Rent(max);
        var pcm = ArrayPool<short>.Shared.Rent(max);
        using var reorder = new ChunkReorderBuffer(_options.ReorderWindow);
        try
        {
            await ReceiveLoopAsync(handler, new Buffers(receive, scratch, decoded, pcm), reorder, _abort.Token).ConfigureAwait(false);
            reorder.Flush(handler);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            LogCloseTimedOut(_logger);
        }
        catch (WebSocketException e)
        {
            LogSocketLost(_logger, e.WebSocketErrorCode);
        }
        finally
        {
            BeginClose(null);
            await writer.ConfigureAwait(false);
            await StopCloseTimerAsync().ConfigureAwait(false);
            ArrayPool<byte>.Shared.Return(receive);
            ArrayPool<byte>.Shared.Return(scratch);
            ArrayPool<byte>.Shared.Return(decoded);
            ArrayPool<short>.Shared.Return(pcm);
            LogSummary(reorder);
            _runEnded.TrySetResult();
        }
    }

    public void SendAudio(ReadOnlySpan<short> pcm)
    {
        var started = _format;
        if (pcm.IsEmpty || started is null)
        {
            return;
        }

        lock (_sendGate)
        {
            _pending ??= new short[started.SamplesPerFrame];
            while (!pcm.IsEmpty)
            {
                var take = Math.Min(pcm.Length, _pending.Length - _pendingCount);
                pcm[..take].CopyTo(_pending.AsSpan(_pendingCount));
                _pendingCount += take;
                pcm = pcm[take..];
                if (_pendingCount == _pending.Length)
                {
                    QueueFrame(started);
                }
            }
        }
    }

    public void SendMark(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var started = _format;
        if (started is null)
        {
            return;
        }

        lock (_sendGate)
        {
            // The mark must follow all audio sent so far: pad a partial frame with silence to the 20 ms minimum.
            if (_pendingCount > 0)
            {
                _pending.AsSpan(_pendingCount).Clear();
                _pendingCount = _pending!.Length;
                QueueFrame(started);
            }

            _outgoing.Writer.TryWrite(new OutgoingMessage(OutgoingKind.Mark, null, 0, name, Volatile.Read(ref _clearGeneration)));
        }
    }

    public void Clear()
    {
        if (_format is null)
        {
            return;
        }

        lock (_sendGate)
        {
            _pendingCount = 0;

            // Media queued under an older generation is skipped by the writer; the clear empties Telnyx's buffer.
            var generation = Interlocked.Increment(ref _clearGeneration);
            _outgoing.Writer.TryWrite(new OutgoingMessage(OutgoingKind.Clear, null, 0, null, generation));
        }
    }

    public async ValueTask HangUpAsync(string reason, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _hangingUp, 1) != 0)
        {
            return;
        }

        LogHangingUp(_logger, reason);
        if (Volatile.Read(ref _running) == 0)
        {
            _closeDescription = "call ended";
            await CloseSocketAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            BeginClose("call ended");
            await _runEnded.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Closing the media socket does not end a Telnyx call: Call Control must hang it up.
        var callControlId = CallControlId;
        if (_hangUpCall is not null && callControlId is not null)
        {
            try
            {
                await _hangUpCall(callControlId, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogApiHangUpFailed(_logger, e, callControlId);
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
    }

    /// <summary>Encodes the full pending frame and queues it. Called under <see cref="_sendGate"/>.</summary>
    private void QueueFrame(StartedFormat started)
    {
        var samples = _pendingCount;
        _pendingCount = 0;
        var bytes = samples * PhoneCodec.BytesPerSample(started.Format.Encoding);
        var buffer = ArrayPool<byte>.Shared.Rent(bytes);
        PhoneCodec.Encode(started.Format.Encoding, _pending.AsSpan(0, samples), buffer);
        if (!_outgoing.Writer.TryWrite(new OutgoingMessage(OutgoingKind.Media, buffer, bytes, null, Volatile.Read(ref _clearGeneration))))
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Stops accepting outbound messages; the writer flushes the queue and sends the close frame. If the socket is not
    /// closed within <see cref="TelnyxMediaStreamOptions.CloseTimeout"/>, it is aborted.
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
            _closeTimer = _time.CreateTimer(static state => ((TelnyxMediaStream)state!).Abort(), this, _options.CloseTimeout, Timeout.InfiniteTimeSpan);
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

    private async Task ReceiveLoopAsync(IPhoneStreamHandler handler, Buffers buffers, ChunkReorderBuffer reorder, CancellationToken cancellationToken)
    {
        var max = _options.MaxMessageBytes;
        var receive = buffers.Receive;
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
                    LogMessageTooBig(_logger, max);
                    _closeStatus = WebSocketCloseStatus.MessageTooBig;
                    _closeDescription = "message too big";
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
                    LogBinaryFrame(_logger);
                }

                continue;
            }

            if (!Dispatch(handler, receive.AsSpan(0, length), buffers, reorder))
            {
                return;
            }
        }
    }

    /// <summary>Handles one text message; false when the stream is over.</summary>
    private bool Dispatch(IPhoneStreamHandler handler, ReadOnlySpan<byte> json, Buffers buffers, ChunkReorderBuffer reorder)
    {
        TelnyxInboundMessage message;
        try
        {
            message = TelnyxInboundMessage.Parse(json, buffers.Scratch);
        }
        catch (JsonException e)
        {
            if (_malformed++ == 0)
            {
                LogMalformed(_logger, e.Message);
            }

            return true;
        }

        switch (message.Event)
        {
            case TelnyxMediaEvent.Media:
                OnMedia(handler, ref message, buffers, reorder);
                return true;
            case TelnyxMediaEvent.Start:
                return OnStart(handler, ref message);
            case TelnyxMediaEvent.Mark:
                if (message.MarkName is { } name && _format is not null)
                {
                    handler.OnMark(name);
                }
                else
                {
                    _ignored++;
                }

                return true;
            case TelnyxMediaEvent.Dtmf:
                if (message.Digit != '\0' && DtmfDigits.Contains(message.Digit, StringComparison.Ordinal) && _format is not null)
                {
                    handler.OnDtmf(message.Digit);
                }
                else
                {
                    _ignored++;
                }

                return true;
            case TelnyxMediaEvent.Connected:
                LogConnected(_logger);
                return true;
            case TelnyxMediaEvent.Error:
                // Telnyx reports a problem with something we sent (e.g. 100003 malformed_frame) and goes on.
                if (_providerErrors++ == 0)
                {
                    LogProviderError(_logger, message.ErrorCode ?? "?", message.ErrorTitle ?? "?");
                }

                return true;
            case TelnyxMediaEvent.Stop:
                LogStopped(_logger);
                return false;
            default:
                if (_unknownEvents++ == 0)
                {
                    LogUnknownEvent(_logger);
                }

                return true;
        }
    }

    private void OnMedia(IPhoneStreamHandler handler, ref TelnyxInboundMessage message, Buffers buffers, ChunkReorderBuffer reorder)
    {
        var started = _format;
        if (started is null || !message.HasPayload || !message.InboundTrack)
        {
            _ignored++;
            return;
        }

        if (!message.TryDecodePayload(buffers.Decoded, out var bytes)
            || (started.Format.Encoding == PhoneEncoding.L16 && (bytes & 1) != 0))
        {
            if (_badPayloads++ == 0)
            {
                LogBadPayload(_logger);
            }

            return;
        }

        var encoded = buffers.Decoded.AsSpan(0, bytes);
        var pcm = buffers.Pcm.AsSpan();
        var samples = PhoneCodec.Decode(started.Format.Encoding, encoded, pcm);
        if (samples > 0)
        {
            Interlocked.Increment(ref _framesReceived);
            reorder.Push(message.Chunk, pcm[..samples], handler);
        }
    }

    private bool OnStart(IPhoneStreamHandler handler, ref TelnyxInboundMessage message)
    {
        if (_format is not null)
        {
            _ignored++;
            return true;
        }

        if (!TelnyxMediaFormats.TryResolve(message.Encoding, message.SampleRate, message.Channels, out var format, out var problem))
        {
            LogUnsupportedFormat(_logger, problem!);
            _closeStatus = WebSocketCloseStatus.InvalidPayloadData;
            _closeDescription = "unsupported media format";
            return false;
        }

        if (message.CallControlId is { Length: > 0 } callControlId)
        {
            Volatile.Write(ref _callControlId, callControlId);
        }

        var streamId = message.StreamId ?? string.Empty;
        var parameters = message.ClientState is { } clientState
            ? new Dictionary<string, string>(StringComparer.Ordinal) { ["client_state"] = clientState }
            : NoParameters;
        _format = new StartedFormat(format);
        LogStarted(_logger, streamId, CallControlId, format.Encoding, format.SampleRate);
        handler.OnStarted(new PhoneStreamStart(streamId, CallControlId, format, parameters));
        return true;
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var writer = new TelnyxOutboundWriter();
        var reader = _outgoing.Reader;
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (reader.TryRead(out var item))
                {
                    try
                    {
                        await SendAsync(writer, item, cancellationToken).ConfigureAwait(false);
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

    private async ValueTask SendAsync(TelnyxOutboundWriter writer, OutgoingMessage item, CancellationToken cancellationToken)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        ReadOnlyMemory<byte> message;
        switch (item.Kind)
        {
            case OutgoingKind.Media when item.Generation < Volatile.Read(ref _clearGeneration):
                return;
            case OutgoingKind.Media:
                message = writer.WriteMedia(item.Buffer.AsSpan(0, item.Length));
                break;
            case OutgoingKind.Mark:
                message = writer.WriteMark(item.Name!);
                break;
            default:
                message = writer.WriteClear();
                break;
        }

        await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        if (item.Kind == OutgoingKind.Media)
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

        using var timeout = new CancellationTokenSource(_options.CloseTimeout, _time);
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

    private void OnDropped(OutgoingMessage item)
    {
        Interlocked.Increment(ref _dropped);
        Return(item);
    }

    private static void Return(OutgoingMessage item)
    {
        if (item.Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }

    private void LogSummary(ChunkReorderBuffer reorder)
    {
        if (_malformed + _unknownEvents + _binaryFrames + _badPayloads + _ignored + _providerErrors > 0 || MessagesDropped > 0)
        {
            LogNoiseSummary(_logger, _malformed, _unknownEvents, _binaryFrames, _badPayloads, _ignored, _providerErrors, MessagesDropped);
        }

        LogEnded(_logger, FramesReceived, FramesSent, reorder.Reordered, reorder.Skipped, reorder.Late);
    }

    private sealed class StartedFormat(PhoneAudioFormat format)
    {
        public PhoneAudioFormat Format { get; } = format;

        public int SamplesPerFrame { get; } = format.SamplesPerFrame;
    }

    private readonly record struct Buffers(byte[] Receive, byte[] Scratch, byte[] Decoded, short[] Pcm);

    [LoggerMessage(2500, LogLevel.Debug, "Telnyx media stream connected")]
    private static partial void LogConnected(ILogger logger);

    [LoggerMessage(2501, LogLevel.Information, "Telnyx media stream {StreamId} started ({CallControlId}): {Encoding} at {SampleRate} Hz")]
    private static partial void LogStarted(ILogger logger, string streamId, string? callControlId, PhoneEncoding encoding, int sampleRate);

    [LoggerMessage(2502, LogLevel.Information, "Telnyx media stream stopped by Telnyx")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(2503, LogLevel.Warning, "Telnyx media message is not valid JSON and was skipped ({Error}); further ones are counted")]
    private static partial void LogMalformed(ILogger logger, string error);

    [LoggerMessage(2504, LogLevel.Warning, "Telnyx media message with an unknown event was skipped; further ones are counted")]
    private static partial void LogUnknownEvent(ILogger logger);

    [LoggerMessage(2505, LogLevel.Warning, "Binary frame on the Telnyx media socket was skipped (Telnyx sends text only); further ones are counted")]
    private static partial void LogBinaryFrame(ILogger logger);

    [LoggerMessage(2506, LogLevel.Warning, "Telnyx media payload is not valid base64 for the codec and was skipped; further ones are counted")]
    private static partial void LogBadPayload(ILogger logger);

    [LoggerMessage(2507, LogLevel.Warning, "Telnyx media message exceeds {MaxBytes} bytes; closing the socket with 1009")]
    private static partial void LogMessageTooBig(ILogger logger, int maxBytes);

    [LoggerMessage(2508, LogLevel.Error, "Telnyx media stream format cannot be bridged ({Problem}); closing the socket")]
    private static partial void LogUnsupportedFormat(ILogger logger, string problem);

    [LoggerMessage(2509, LogLevel.Information, "Telnyx media socket lost: {Error}")]
    private static partial void LogSocketLost(ILogger logger, WebSocketError error);

    [LoggerMessage(2510, LogLevel.Warning, "Telnyx media stream skipped {Malformed} malformed, {Unknown} unknown-event, {Binary} binary, {BadPayload} bad-payload and {Ignored} out-of-place messages, got {ProviderErrors} error events; dropped {Dropped} outbound")]
    private static partial void LogNoiseSummary(ILogger logger, int malformed, int unknown, int binary, int badPayload, int ignored, int providerErrors, long dropped);

    [LoggerMessage(2511, LogLevel.Information, "Telnyx media stream ended: {FramesReceived} frames in, {FramesSent} frames out; {Reordered} reordered, {Skipped} lost, {Late} late")]
    private static partial void LogEnded(ILogger logger, long framesReceived, long framesSent, long reordered, long skipped, long late);

    [LoggerMessage(2512, LogLevel.Information, "Hanging up Telnyx media stream: {Reason}")]
    private static partial void LogHangingUp(ILogger logger, string reason);

    [LoggerMessage(2513, LogLevel.Warning, "Hanging up Telnyx call {CallControlId} through Call Control failed")]
    private static partial void LogApiHangUpFailed(ILogger logger, Exception exception, string callControlId);

    [LoggerMessage(2514, LogLevel.Warning, "Telnyx media socket did not close in time; aborted")]
    private static partial void LogCloseTimedOut(ILogger logger);

    [LoggerMessage(2515, LogLevel.Warning, "Telnyx reported error {Code} ({Title}) on the media socket; further ones are counted")]
    private static partial void LogProviderError(ILogger logger, string code, string title);
}
