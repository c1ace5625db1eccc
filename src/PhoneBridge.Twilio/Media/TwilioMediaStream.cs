using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Audio;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Twilio.Media;

/// <summary>
/// A Twilio Media Streams socket seen as PCM16 at 8 kHz. One receive loop parses Twilio's JSON in place from a
/// pooled buffer; one writer loop drains a bounded queue (drop oldest) of μ-law frames, marks and clears.
/// Neither direction allocates per frame.
/// </summary>
public sealed partial class TwilioMediaStream : IPhoneMediaStream, IAsyncDisposable
{
    private const string DtmfDigits = "0123456789*#ABCD";

    private readonly WebSocket _socket;
    private readonly TwilioMediaStreamOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<string, CancellationToken, Task>? _hangUpCall;
    private readonly Channel<OutgoingMessage> _outgoing;
    private readonly TaskCompletionSource _runEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abort = new();

    private volatile byte[]? _streamSid;
    private string? _callSid;
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

    /// <param name="hangUpCall">Ends the call through Twilio's API by CallSid; null when no REST credentials exist.</param>
    public TwilioMediaStream(
        WebSocket socket,
        TwilioMediaStreamOptions options,
        ILogger<TwilioMediaStream> logger,
        TimeProvider? time = null,
        Func<string, CancellationToken, Task>? hangUpCall = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _socket = socket;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
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

    public string Provider => "twilio";

    /// <summary>Twilio's <c>streamSid</c> once <c>start</c> arrived.</summary>
    public string? StreamSid => _streamSid is { } sid ? Encoding.UTF8.GetString(sid) : null;

    /// <summary>Twilio's <c>callSid</c> once <c>start</c> arrived.</summary>
    public string? CallSid => Volatile.Read(ref _callSid);

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
        using var registration = cancellationToken.Register(static state => ((TwilioMediaStream)state!).BeginClose("call ended"), this);
        var writer = WriteLoopAsync(_abort.Token);
        var max = _options.MaxMessageBytes;
        var receive = ArrayPool<byte>.Shared.Rent(max);
        var mulaw = ArrayPool<byte>.Shared.Rent(max);
        var pcm = ArrayPool<short>.Shared.Rent(max);
        try
        {
            await ReceiveLoopAsync(handler, receive, mulaw, pcm, _abort.Token).ConfigureAwait(false);
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
            ArrayPool<byte>.Shared.Return(mulaw);
            ArrayPool<short>.Shared.Return(pcm);
            LogSummary();
            _runEnded.TrySetResult();
        }
    }

    /// <summary>
    /// Stops accepting outbound messages; the writer flushes the queue and sends the close frame. If the socket is
    /// not closed within <see cref="TwilioMediaStreamOptions.CloseTimeout"/>, it is aborted.
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
            _closeTimer = _time.CreateTimer(static state => ((TwilioMediaStream)state!).Abort(), this, _options.CloseTimeout, Timeout.InfiniteTimeSpan);
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

    public void SendAudio(ReadOnlySpan<short> pcm)
    {
        if (pcm.IsEmpty || _streamSid is null)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(pcm.Length);
        G711.MuLawEncode(pcm, buffer);
        if (!_outgoing.Writer.TryWrite(new OutgoingMessage(OutgoingKind.Media, buffer, pcm.Length, null, Volatile.Read(ref _clearGeneration))))
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void SendMark(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_streamSid is null)
        {
            return;
        }

        _outgoing.Writer.TryWrite(new OutgoingMessage(OutgoingKind.Mark, null, 0, name, Volatile.Read(ref _clearGeneration)));
    }

    public void Clear()
    {
        if (_streamSid is null)
        {
            return;
        }

        // Media queued under an older generation is skipped by the writer; the clear empties Twilio's buffer.
        var generation = Interlocked.Increment(ref _clearGeneration);
        _outgoing.Writer.TryWrite(new OutgoingMessage(OutgoingKind.Clear, null, 0, null, generation));
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
            // The writer flushes what is queued, then closes; Twilio answers the close and the receive loop ends.
            BeginClose("call ended");
            await _runEnded.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Closing a <Connect><Stream> socket already ends the call; the API call makes sure of it.
        var callSid = CallSid;
        if (_hangUpCall is not null && callSid is not null)
        {
            try
            {
                await _hangUpCall(callSid, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogRestHangUpFailed(_logger, e, callSid);
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

    private async Task ReceiveLoopAsync(IPhoneStreamHandler handler, byte[] receive, byte[] mulaw, short[] pcm, CancellationToken cancellationToken)
    {
        var max = _options.MaxMessageBytes;
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

            if (!Dispatch(handler, receive.AsSpan(0, length), mulaw, pcm))
            {
                return;
            }
        }
    }

    /// <summary>Handles one text message; false when the stream is over.</summary>
    private bool Dispatch(IPhoneStreamHandler handler, ReadOnlySpan<byte> json, Span<byte> scratch, Span<short> pcm)
    {
        TwilioInboundMessage message;
        try
        {
            message = TwilioInboundMessage.Parse(json, scratch);
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
            case TwilioMediaEvent.Media:
                OnMedia(handler, ref message, scratch, pcm);
                return true;
            case TwilioMediaEvent.Start:
                return OnStart(handler, ref message);
            case TwilioMediaEvent.Mark:
                if (message.MarkName is { } name && _streamSid is not null)
                {
                    handler.OnMark(name);
                }
                else
                {
                    Ignore();
                }

                return true;
            case TwilioMediaEvent.Dtmf:
                if (message.Digit != '\0' && DtmfDigits.Contains(message.Digit, StringComparison.Ordinal) && _streamSid is not null)
                {
                    handler.OnDtmf(message.Digit);
                }
                else
                {
                    Ignore();
                }

                return true;
            case TwilioMediaEvent.Connected:
                LogConnected(_logger);
                return true;
            case TwilioMediaEvent.Stop:
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

    private void OnMedia(IPhoneStreamHandler handler, ref TwilioInboundMessage message, Span<byte> scratch, Span<short> pcm)
    {
        if (_streamSid is null || !message.HasPayload || !message.InboundTrack)
        {
            Ignore();
            return;
        }

        var decoded = message.PayloadInScratch
            ? TwilioInboundMessage.TryDecodePayloadInPlace(scratch[..message.Payload.Length], pcm, out var samples)
            : TwilioInboundMessage.TryDecodePayload(message.Payload, scratch, pcm, out samples);
        if (!decoded)
        {
            if (_badPayloads++ == 0)
            {
                LogBadPayload(_logger);
            }

            return;
        }

        if (samples > 0)
        {
            Interlocked.Increment(ref _framesReceived);
            handler.OnAudio(pcm[..samples]);
        }
    }

    private bool OnStart(IPhoneStreamHandler handler, ref TwilioInboundMessage message)
    {
        if (_streamSid is not null)
        {
            Ignore();
            return true;
        }

        if (message.Start is not { } start)
        {
            if (_malformed++ == 0)
            {
                LogMalformed(_logger, "start without streamSid");
            }

            return true;
        }

        if (message.UnsupportedFormat is { } problem)
        {
            LogUnsupportedFormat(_logger, problem);
            _closeStatus = WebSocketCloseStatus.InvalidPayloadData;
            _closeDescription = "unsupported media format";
            return false;
        }

        Volatile.Write(ref _callSid, start.ProviderCallId);
        _streamSid = Encoding.UTF8.GetBytes(start.StreamId);
        LogStarted(_logger, start.StreamId, start.ProviderCallId);
        handler.OnStarted(start);
        return true;
    }

    private void Ignore() => _ignored++;

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var writer = new TwilioOutboundWriter();
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

    private async ValueTask SendAsync(TwilioOutboundWriter writer, OutgoingMessage item, CancellationToken cancellationToken)
    {
        var streamSid = _streamSid;
        if (streamSid is null || _socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        ReadOnlyMemory<byte> message;
        switch (item.Kind)
        {
            case OutgoingKind.Media when item.Generation < Volatile.Read(ref _clearGeneration):
                return;
            case OutgoingKind.Media:
                message = writer.WriteMedia(streamSid, item.Buffer.AsSpan(0, item.Length));
                break;
            case OutgoingKind.Mark:
                message = writer.WriteMark(streamSid, item.Name!);
                break;
            default:
                message = writer.WriteClear(streamSid);
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

    private void LogSummary()
    {
        if (_malformed + _unknownEvents + _binaryFrames + _badPayloads + _ignored > 0 || MessagesDropped > 0)
        {
            LogNoiseSummary(_logger, _malformed, _unknownEvents, _binaryFrames, _badPayloads, _ignored, MessagesDropped);
        }

        LogEnded(_logger, FramesReceived, FramesSent);
    }

    [LoggerMessage(1100, LogLevel.Debug, "Twilio media stream connected")]
    private static partial void LogConnected(ILogger logger);

    [LoggerMessage(1101, LogLevel.Information, "Twilio media stream {StreamSid} started (CallSid {CallSid})")]
    private static partial void LogStarted(ILogger logger, string streamSid, string? callSid);

    [LoggerMessage(1102, LogLevel.Information, "Twilio media stream stopped by Twilio")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(1103, LogLevel.Warning, "Twilio media message is not valid JSON and was skipped ({Error}); further ones are counted")]
    private static partial void LogMalformed(ILogger logger, string error);

    [LoggerMessage(1104, LogLevel.Warning, "Twilio media message with an unknown event was skipped; further ones are counted")]
    private static partial void LogUnknownEvent(ILogger logger);

    [LoggerMessage(1105, LogLevel.Warning, "Binary frame on the Twilio media socket was skipped (Twilio sends text only); further ones are counted")]
    private static partial void LogBinaryFrame(ILogger logger);

    [LoggerMessage(1106, LogLevel.Warning, "Twilio media payload is not valid base64 and was skipped; further ones are counted")]
    private static partial void LogBadPayload(ILogger logger);

    [LoggerMessage(1107, LogLevel.Warning, "Twilio media message exceeds {MaxBytes} bytes; closing the socket with 1009")]
    private static partial void LogMessageTooBig(ILogger logger, int maxBytes);

    [LoggerMessage(1108, LogLevel.Error, "Twilio media stream format cannot be bridged ({Problem}); closing the socket")]
    private static partial void LogUnsupportedFormat(ILogger logger, string problem);

    [LoggerMessage(1109, LogLevel.Information, "Twilio media socket lost: {Error}")]
    private static partial void LogSocketLost(ILogger logger, WebSocketError error);

    [LoggerMessage(1110, LogLevel.Warning, "Twilio media stream skipped {Malformed} malformed, {Unknown} unknown-event, {Binary} binary, {BadPayload} bad-payload and {Ignored} out-of-place messages; dropped {Dropped} outbound")]
    private static partial void LogNoiseSummary(ILogger logger, int malformed, int unknown, int binary, int badPayload, int ignored, long dropped);

    [LoggerMessage(1111, LogLevel.Information, "Twilio media stream ended: {FramesReceived} frames in, {FramesSent} frames out")]
    private static partial void LogEnded(ILogger logger, long framesReceived, long framesSent);

    [LoggerMessage(1112, LogLevel.Information, "Hanging up Twilio media stream: {Reason}")]
    private static partial void LogHangingUp(ILogger logger, string reason);

    [LoggerMessage(1113, LogLevel.Warning, "Hanging up Twilio call {CallSid} through the API failed")]
    private static partial void LogRestHangUpFailed(ILogger logger, Exception exception, string callSid);

    [LoggerMessage(1114, LogLevel.Warning, "Twilio media socket did not close in time; aborted")]
    private static partial void LogCloseTimedOut(ILogger logger);
}
