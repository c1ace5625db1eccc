using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Measurement;
using PhoneBridge.Simulator.Pacing;

namespace PhoneBridge.Simulator.Twilio;

/// <summary>
/// The Twilio side of one Media Streams socket: opens it with a signed handshake, sends
/// <c>connected</c>/<c>start</c>, paces caller audio in 20 ms <c>media</c> messages from the shared
/// <see cref="FramePacer"/>, plays out what the server returns (echoing marks as Twilio does), records
/// it, matches it against what was sent to measure round-trip latency, and ends with <c>stop</c>.
/// </summary>
public sealed class TwilioMediaCall : IPacedCall, IAsyncDisposable
{
    /// <summary>Largest message accepted from the server; Twilio documents none, this keeps memory bounded.</summary>
    public const int MaxMessageBytes = 1 << 20;

    private readonly ClientWebSocket _socket;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _lifetime;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _control = new(1024);
    private readonly byte[] _mediaMessage = new byte[TwilioMessageWriter.MediaMessageCapacity];
    private readonly byte[] _streamSidUtf8;
    private readonly Lock _state = new();
    private readonly PlayoutBuffer _playout;
    private readonly IEchoMatcher _matcher;
    private readonly List<string> _dueMarks = [];
    private readonly List<string> _marksToEcho = [];
    private readonly ArrayBufferWriter<byte>? _recording;
    private readonly TimeSpan _lateTolerance;
    private readonly long _frameTicks;
    private readonly TaskCompletionSource _playbackDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstMedia = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _echoesDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _receiveLoop = Task.CompletedTask;

    private long _sequenceNumber;
    private long _chunk;
    private FramePacer? _pacer;
    private CallerAudio? _audio;
    private long _audioStart;
    private long _audioFirstFrame;
    private long _framesToSend;
    private long _nextFrame;
    private int _ticking;
    private volatile bool _stopSent;

    private long _framesLate;
    private long _maxLatenessTicks;
    private long _mediaReceived;
    private long _bytesReceived;
    private long _marksReceived;
    private long _marksEchoed;
    private long _clearsReceived;
    private long _invalidReceived;
    private string? _firstInvalid;
    private string? _failure;
    private bool _closedByServer;
    private long _firstMediaAt;

    private TwilioMediaCall(
        ClientWebSocket socket, TimeProvider time, TwimlConnectStream stream, string callSid, string accountSid,
        TwilioMediaCallOptions options, CancellationToken cancellationToken)
    {
        _socket = socket;
        _time = time;
        Stream = stream;
        CallSid = callSid;
        AccountSid = accountSid;
        StreamSid = TwilioSids.NewStreamSid();
        _streamSidUtf8 = Encoding.ASCII.GetBytes(StreamSid);
        _lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _playout = new PlayoutBuffer(time.TimestampFrequency);
        _matcher = options.EchoMatching == EchoMatching.Markers
            ? new MarkerMatcher(time, options.MarkerMaxRoundTrip)
            : new FrameMatcher(time);
        _recording = options.Record ? new ArrayBufferWriter<byte>(8000 * 10) : null;
        _lateTolerance = options.LateTolerance;
        _frameTicks = time.TimestampFrequency / AudioFrame.PerSecond;
    }

    public TwimlConnectStream Stream { get; }

    public string CallSid { get; }

    public string AccountSid { get; }

    public string StreamSid { get; }

    /// <summary>Completes when the socket is closed (by either side) or fails.</summary>
    public Task Completion => _receiveLoop;

    /// <summary>Completes when the audio given to <see cref="Play"/> has all been sent.</summary>
    public Task PlaybackCompleted => _playbackDone.Task;

    /// <summary>Raised on the receive loop for each message the server sends; for tests and tracing.</summary>
    public event Action<ServerMessageKind, string?>? MessageReceived;

    /// <summary>
    /// Opens the media socket signed as Twilio signs it (over the URL from the TwiML, no parameters).
    /// A refused handshake throws <see cref="HandshakeRefusedException"/> with the HTTP status.
    /// </summary>
    public static async Task<TwilioMediaCall> ConnectAsync(
        TwimlConnectStream stream,
        string callSid,
        string accountSid,
        string authToken,
        TimeProvider time,
        TwilioMediaCallOptions? options,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        options ??= new TwilioMediaCallOptions();
        var socket = new ClientWebSocket();
        try
        {
            socket.Options.CollectHttpResponseDetails = true;
            socket.Options.SetRequestHeader(
                TwilioSignature.HeaderName,
                options.SignatureOverride ?? TwilioSignature.Compute(authToken, (options.SignedUrl ?? stream.Url).OriginalString));
            socket.Options.SetRequestHeader("User-Agent", "Twilio.TmeWs/1.0");
            socket.Options.KeepAliveInterval = Timeout.InfiniteTimeSpan;
            var connectUrl = options.ConnectUrl ?? stream.Url;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(connectUrl, timeout.Token).ConfigureAwait(false);
            }
            catch (WebSocketException ex) when (socket.HttpStatusCode != 0 && socket.HttpStatusCode != HttpStatusCode.SwitchingProtocols)
            {
                throw new HandshakeRefusedException(socket.HttpStatusCode, ex);
            }

            var call = new TwilioMediaCall(socket, time, stream, callSid, accountSid, options, cancellationToken);
            call._receiveLoop = call.ReceiveLoopAsync();
            return call;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <c>connected</c> then <c>start</c> with the TwiML's parameters, as Twilio does.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await SendControlAsync(w => TwilioMessageWriter.WriteConnected(w), cancellationToken).ConfigureAwait(false);
        await SendControlAsync(
            w => TwilioMessageWriter.WriteStart(w, NextSequence(), StreamSid, CallSid, AccountSid, Stream.Parameters),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts sending <paramref name="frames"/> frames of <paramref name="audio"/> (from frame
    /// <paramref name="firstFrame"/>, wrapping) at real time, one every 20 ms, driven by <paramref name="pacer"/>.
    /// </summary>
    public void Play(CallerAudio audio, long frames, FramePacer pacer, long firstFrame = 0)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(pacer);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        if (_audio is not null)
        {
            throw new InvalidOperationException("The call is already playing.");
        }

        _audioFirstFrame = firstFrame;
        _framesToSend = frames;
        _audioStart = _time.GetTimestamp();
        _audio = audio;
        _pacer = pacer;
        pacer.Add(this);
        if (frames == 0)
        {
            _playbackDone.TrySetResult();
        }
    }

    public ValueTask SendDtmfAsync(char digit, CancellationToken cancellationToken) =>
        SendControlAsync(w => TwilioMessageWriter.WriteDtmf(w, NextSequence(), StreamSid, digit), cancellationToken);

    /// <summary>Sends any text as-is (to test how the server takes malformed messages).</summary>
    public ValueTask SendRawTextAsync(string text, CancellationToken cancellationToken) =>
        SendRawAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, cancellationToken);

    public async ValueTask SendRawAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(message, type, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Hangs up as Twilio does when the caller hangs up: stops the audio, sends <c>stop</c>, closes
    /// the socket and waits (up to <paramref name="closeTimeout"/>) for the server's close.
    /// </summary>
    public async Task HangUpAsync(TimeSpan closeTimeout, CancellationToken cancellationToken)
    {
        _pacer?.Remove(this);
        _playbackDone.TrySetResult();
        if (_socket.State == WebSocketState.Open && !_stopSent)
        {
            _stopSent = true;
            try
            {
                await SendControlAsync(
                    w => TwilioMessageWriter.WriteStop(w, NextSequence(), StreamSid, CallSid, AccountSid),
                    cancellationToken).ConfigureAwait(false);
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "call ended", cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                // The server may answer stop by closing first; then our close has nothing left to do.
                if (_socket.CloseStatus is null)
                {
                    _failure ??= "hangup: " + ex.Message;
                }
            }
        }

        await WaitClosedAsync(closeTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// After playback, waits until every sent frame has come back or <paramref name="timeout"/> passes.
    /// Returns false on timeout (the missing frames then count as lost).
    /// </summary>
    public async Task<bool> WaitForEchoesAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await PlaybackCompleted.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_state)
        {
            if (_matcher.FramesPending == 0)
            {
                return true;
            }
        }

        try
        {
            await Task.WhenAny(_echoesDrained.Task, _receiveLoop).WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        lock (_state)
        {
            return _matcher.FramesPending == 0;
        }
    }

    /// <summary>Waits until the server has sent some audio back (the call is bridged end to end).</summary>
    public Task WaitForFirstEchoAsync(TimeSpan timeout) => _firstMedia.Task.WaitAsync(timeout, _time);

    /// <summary>Waits for the socket to close; aborts it when <paramref name="timeout"/> passes first.</summary>
    public async Task WaitClosedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _receiveLoop.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _failure ??= "the server did not close the socket within " + timeout;
            _socket.Abort();
            await _receiveLoop.ConfigureAwait(false);
        }
    }

    /// <summary>The running counts a live progress line shows; cheap enough to read every second.</summary>
    public TwilioCallProgress Progress()
    {
        lock (_state)
        {
            return new TwilioCallProgress(_matcher.FramesSent, _matcher.FramesMatched, Interlocked.Read(ref _framesLate));
        }
    }

    /// <summary>What the call saw so far; the audio still in flight counts as lost.</summary>
    public TwilioCallReport Report()
    {
        lock (_state)
        {
            var markers = _matcher as MarkerMatcher;
            return new TwilioCallReport
            {
                CallSid = CallSid,
                StreamSid = StreamSid,
                StreamUrl = Stream.Url,
                FirstMediaAt = _mediaReceived > 0 ? _firstMediaAt : null,
                MarkersSent = markers?.MarkersSent ?? 0,
                MarkersBeforeAudio = markers?.MarkersBeforeAudio ?? 0,
                MarkersHeard = markers?.MarkersHeard ?? 0,
                MarkersLost = (markers?.MarkersLost ?? 0) + (markers?.MarkersPending ?? 0),
                MarkersSentAt = markers?.SentAt.ToArray() ?? [],
                MarkersHeardAt = markers?.HeardAt.ToArray() ?? [],
                FramesSent = _matcher.FramesSent,
                FramesLate = Interlocked.Read(ref _framesLate),
                MaxSendLateness = _time.GetElapsedTime(0, Interlocked.Read(ref _maxLatenessTicks)),
                FramesEchoed = _matcher.FramesMatched,
                FramesLost = _matcher.FramesPending,
                MediaMessagesReceived = _mediaReceived,
                BytesReceived = _bytesReceived,
                UnmatchedBytesReceived = _matcher.UnmatchedBytes,
                MarksReceived = _marksReceived,
                MarksEchoed = _marksEchoed,
                ClearsReceived = _clearsReceived,
                InvalidMessagesReceived = _invalidReceived,
                FirstInvalidMessage = _firstInvalid,
                Latencies = _matcher.Latencies,
                CloseStatus = _socket.CloseStatus,
                CloseDescription = _socket.CloseStatusDescription,
                ClosedByServer = _closedByServer,
                Failure = _failure,
            };
        }
    }

    /// <summary>The audio the server sent, decoded to PCM16 8 kHz; empty unless recording was asked for.</summary>
    public WavFile Recording()
    {
        lock (_state)
        {
            var codes = _recording is null ? default : _recording.WrittenSpan;
            var pcm = new short[codes.Length];
            G711.MuLawDecode(codes, pcm);
            return new WavFile(pcm, CallerAudio.SampleRate);
        }
    }

    /// <summary>The raw μ-law bytes the server sent; empty unless recording was asked for.</summary>
    public byte[] RecordedMuLaw()
    {
        lock (_state)
        {
            return _recording?.WrittenSpan.ToArray() ?? [];
        }
    }

    void IPacedCall.OnTick(long timestamp)
    {
        if (_lifetime.IsCancellationRequested || _socket.State != WebSocketState.Open || _stopSent)
        {
            return;
        }

        bool marksDue;
        lock (_state)
        {
            marksDue = _playout.HasDue(timestamp);
        }

        var framesDue = _audio is not null && _nextFrame < _framesToSend && _nextFrame < DueFrames(timestamp);
        if (!marksDue && !framesDue)
        {
            return;
        }

        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return; // the last tick is still sending; this one's frames go out with it or the next
        }

        _ = TickAsync();
    }

    private long DueFrames(long now) => Math.Min(_framesToSend, ((now - _audioStart) / _frameTicks) + 1);

    private async Task TickAsync()
    {
        var token = _lifetime.Token;
        try
        {
            await _sendLock.WaitAsync(token).ConfigureAwait(false);
            try
            {
                var now = _time.GetTimestamp();
                lock (_state)
                {
                    _playout.TakeDue(now, _dueMarks);
                }

                foreach (var name in _dueMarks)
                {
                    await SendMarkLockedAsync(name, token).ConfigureAwait(false);
                }

                _dueMarks.Clear();

                var audio = _audio;
                if (audio is null)
                {
                    return;
                }

                var due = DueFrames(now);
                while (_nextFrame < due && !_stopSent)
                {
                    var frame = audio.Frame(_audioFirstFrame + _nextFrame);
                    var slot = _audioStart + (_nextFrame * _frameTicks);
                    var sendAt = _time.GetTimestamp();
                    var lateness = sendAt - slot;
                    if (_time.GetElapsedTime(slot, sendAt) > _lateTolerance)
                    {
                        Interlocked.Increment(ref _framesLate);
                    }

                    if (lateness > Interlocked.Read(ref _maxLatenessTicks))
                    {
                        Interlocked.Exchange(ref _maxLatenessTicks, lateness);
                    }

                    _chunk++;
                    var length = TwilioMessageWriter.WriteMedia(
                        _mediaMessage, StreamSid, NextSequence(), _chunk, _nextFrame * AudioFrame.Milliseconds, frame);
                    lock (_state)
                    {
                        // Remember the frame before it leaves so that even an instant echo finds it.
                        _matcher.OnSent(frame, sendAt);
                    }

                    _nextFrame++;
                    await _socket.SendAsync(_mediaMessage.AsMemory(0, length), WebSocketMessageType.Text, true, token)
                        .ConfigureAwait(false);
                }

                if (_nextFrame >= _framesToSend)
                {
                    _playbackDone.TrySetResult();
                }
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // A send racing the server's close is how a call ends, not a failure.
            if (!_lifetime.IsCancellationRequested && _socket.State is WebSocketState.Open or WebSocketState.Aborted)
            {
                _failure ??= "send: " + ex.Message;
            }

            _playbackDone.TrySetResult();
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var token = _lifetime.Token;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var payload = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                var length = 0;
                var oversized = false;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= MaxMessageBytes)
                        {
                            oversized = true;
                            length = 0; // keep reading the message, but discard it
                        }
                        else
                        {
                            var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                            buffer.AsSpan(0, length).CopyTo(bigger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = bigger;
                        }
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), token).ConfigureAwait(false);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    lock (_state)
                    {
                        _closedByServer = !_stopSent;
                    }

                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await CloseOutputQuietlyAsync().ConfigureAwait(false);
                    }

                    _playbackDone.TrySetResult();
                    return;
                }

                if (oversized)
                {
                    Invalid("message larger than " + MaxMessageBytes + " bytes");
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    Invalid("binary frame (Twilio warning 31950)");
                    continue;
                }

                var echo = OnMessage(buffer.AsSpan(0, length), payload);
                if (echo is not null)
                {
                    foreach (var name in echo)
                    {
                        await SendMarkAsync(name, token).ConfigureAwait(false);
                    }

                    echo.Clear();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _failure ??= "receive: " + ex.Message;
            _playbackDone.TrySetResult();
        }
        finally
        {
            _pacer?.Remove(this);
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    /// <summary>Handles one text message; returns the marks to echo now (the list is reused).</summary>
    private List<string>? OnMessage(ReadOnlySpan<byte> message, Span<byte> payload)
    {
        if (!ServerMessage.TryParse(
                message, payload, _streamSidUtf8, out var kind, out var payloadLength, out var markName, out _, out var error))
        {
            Invalid(error!);
            return null;
        }

        var now = _time.GetTimestamp();
        List<string>? echo = null;
        lock (_state)
        {
            switch (kind)
            {
                case ServerMessageKind.Media:
                    if (_mediaReceived++ == 0)
                    {
                        _firstMediaAt = now;
                    }

                    _bytesReceived += payloadLength;
                    _playout.Enqueue(payloadLength, now);
                    _matcher.OnReceived(payload[..payloadLength]);
                    _recording?.Write(payload[..payloadLength]);
                    _firstMedia.TrySetResult();
                    if (_matcher.FramesPending == 0 && _playbackDone.Task.IsCompleted)
                    {
                        _echoesDrained.TrySetResult();
                    }

                    break;
                case ServerMessageKind.Mark:
                    _marksReceived++;
                    if (_playout.AddMark(markName!, now))
                    {
                        _marksToEcho.Add(markName!);
                        echo = _marksToEcho;
                    }

                    break;
                case ServerMessageKind.Clear:
                    _clearsReceived++;
                    _playout.Clear(now, _marksToEcho);
                    echo = _marksToEcho;
                    break;
            }
        }

        MessageReceived?.Invoke(kind, markName);
        return echo;
    }

    private void Invalid(string error)
    {
        lock (_state)
        {
            _invalidReceived++;
            _firstInvalid ??= error;
        }
    }

    private async ValueTask SendMarkAsync(string name, CancellationToken token)
    {
        await _sendLock.WaitAsync(token).ConfigureAwait(false);
        try
        {
            await SendMarkLockedAsync(name, token).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async ValueTask SendMarkLockedAsync(string name, CancellationToken token)
    {
        if (_stopSent || _socket.State != WebSocketState.Open)
        {
            return;
        }

        _control.ResetWrittenCount();
        TwilioMessageWriter.WriteMark(_control, NextSequence(), StreamSid, name);
        await _socket.SendAsync(_control.WrittenMemory, WebSocketMessageType.Text, true, token).ConfigureAwait(false);
        Interlocked.Increment(ref _marksEchoed);
    }

    private async ValueTask SendControlAsync(Action<ArrayBufferWriter<byte>> write, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _control.ResetWrittenCount();
            write(_control);
            await _socket.SendAsync(_control.WrittenMemory, WebSocketMessageType.Text, true, cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task CloseOutputQuietlyAsync()
    {
        try
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            // The server's close frame arrived, so the stream ended cleanly; a server that drops the
            // connection without waiting for our reply costs Twilio nothing either.
            _ = ex;
        }
    }

    // Only called under _sendLock, so sequence numbers go out in order.
    private long NextSequence() => ++_sequenceNumber;

    public async ValueTask DisposeAsync()
    {
        _pacer?.Remove(this);
        await _lifetime.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }

        lock (_state)
        {
            _matcher.Flush();
        }

        _socket.Dispose();
        _lifetime.Dispose();
        _sendLock.Dispose();
    }
}
