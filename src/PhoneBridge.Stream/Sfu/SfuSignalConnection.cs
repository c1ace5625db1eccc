using System.Buffers;
using System.Net.WebSockets;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using PhoneBridge.Stream.Sfu.Events;

namespace PhoneBridge.Stream.Sfu;

/// <summary>Why a signalling socket ended.</summary>
public enum SfuSocketEnd
{
    /// <summary>We closed it (leave, migration, dispose).</summary>
    Closed,

    /// <summary>The SFU or the network closed or broke it.</summary>
    Lost,

    /// <summary>Nothing arrived for the unhealthy timeout; we closed it with 4001.</summary>
    Unhealthy,
}

/// <summary>
/// One SFU signalling WebSocket: binary protobuf frames, JoinRequest first, health-check pings, unhealthy
/// detection. Events go to <c>onEvent</c> on the receive loop, in order; <c>onEnded</c> fires once.
/// </summary>
internal sealed class SfuSignalConnection : IAsyncDisposable
{
    // JS SDK close codes: 4001 unhealthy; 4100 "dispose old socket" (not 1000, so the SFU keeps the participant).
    public const WebSocketCloseStatus UnhealthyCloseStatus = (WebSocketCloseStatus)4001;
    public const WebSocketCloseStatus DisposeCloseStatus = (WebSocketCloseStatus)4100;

    private const int MaxMessageBytes = 1 << 20;

    /// <summary>
    /// Events (ICE trickles mostly) the SFU may send between our JoinRequest and its join_response; held and
    /// delivered after the response, as Stream's JS SDK does. A handful is normal; the bound only guards memory.
    /// </summary>
    public const int MaxEventsBeforeJoin = 64;

    private readonly ClientWebSocket _socket;
    private readonly StreamOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<SfuEvent, ValueTask> _onEvent;
    private readonly Action<SfuSignalConnection, SfuSocketEnd> _onEnded;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<SfuEvent> _beforeJoin = new();
    private long _lastMessageTimestamp;
    private int _ended;
    private int _disposed;
    private Task _receiveLoop = Task.CompletedTask;
    private Task _healthLoop = Task.CompletedTask;

    private SfuSignalConnection(ClientWebSocket socket, StreamOptions options, TimeProvider time, ILogger logger,
        Func<SfuEvent, ValueTask> onEvent, Action<SfuSignalConnection, SfuSocketEnd> onEnded)
    {
        _socket = socket;
        _options = options;
        _time = time;
        _logger = logger;
        _onEvent = onEvent;
        _onEnded = onEnded;
        _lastMessageTimestamp = time.GetTimestamp();
    }

    public int Generation { get; init; }

    /// <summary>Opens the socket, sends the JoinRequest and waits for <c>join_response</c> (or throws on <c>error</c>).</summary>
    public static async Task<(SfuSignalConnection Connection, JoinResponse Response)> ConnectAsync(
        Uri endpoint,
        JoinRequest join,
        int generation,
        StreamOptions options,
        TimeProvider time,
        ILogger logger,
        Func<SfuEvent, ValueTask> onEvent,
        Action<SfuSignalConnection, SfuSocketEnd> onEnded,
        CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var connection = new SfuSignalConnection(socket, options, time, logger, onEvent, onEnded) { Generation = generation };
        try
        {
            using (var timeout = Timeout(cancellationToken, options.SignalTimeout))
            {
                try
                {
                    await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"SFU socket did not open within {options.SignalTimeout.TotalSeconds:0.#} s.", e);
                }
            }

            await connection.SendAsync(new SfuRequest { JoinRequest = join }, cancellationToken).ConfigureAwait(false);

            JoinResponse response;
            using (var timeout = Timeout(cancellationToken, options.SignalTimeout))
            {
                try
                {
                    response = await connection.ReceiveJoinResponseAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"SFU sent no join response within {options.SignalTimeout.TotalSeconds:0.#} s.", e);
                }
            }

            connection.Start();
            return (connection, response);
        }
        catch
        {
            socket.Abort();
            socket.Dispose();
            connection._sendLock.Dispose();
            connection._stop.Dispose();
            throw;
        }
    }

    /// <summary>Sends one request; serialized with other senders.</summary>
    public async ValueTask SendAsync(SfuRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var size = request.CalculateSize();
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            request.WriteTo(buffer.AsSpan(0, size));
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await _socket.SendAsync(buffer.AsMemory(0, size), WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends <c>leave_call_request</c> (bounded by <paramref name="grace"/>) and closes with 1000.</summary>
    public async Task LeaveAsync(string sessionId, string reason, TimeSpan grace)
    {
        // Sending and closing share the grace period.
        using var timeout = new CancellationTokenSource(grace / 2, _time);
        try
        {
            await SendAsync(new SfuRequest { LeaveCallRequest = new LeaveCallRequest { SessionId = sessionId, Reason = reason } }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            SfuSignalConnectionLog.LeaveNotSent(_logger, e.Message);
        }

        await CloseAsync(WebSocketCloseStatus.NormalClosure, "leave", grace / 2).ConfigureAwait(false);
    }

    /// <summary>Closes the socket (bounded); the end is reported as <see cref="SfuSocketEnd.Closed"/>.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string description, TimeSpan grace)
    {
        ReportEnd(SfuSocketEnd.Closed);
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(grace, _time);
            try
            {
                await _socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                _socket.Abort();
            }
        }
        else
        {
            _socket.Abort();
        }
    }

    public async ValueTask DisposeAsync()
    {
        ReportEnd(SfuSocketEnd.Closed);
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        try
        {
            await Task.WhenAll(_receiveLoop, _healthLoop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _socket.Dispose();
        _sendLock.Dispose();
        _stop.Dispose();
    }

    private static CancellationTokenSource Timeout(CancellationToken token, TimeSpan timeout)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(token);
        cts.CancelAfter(timeout);
        return cts;
    }

    private void Start()
    {
        _receiveLoop = Task.Run(ReceiveLoopAsync);
        _healthLoop = Task.Run(HealthLoopAsync);
    }

    private async Task<JoinResponse> ReceiveJoinResponseAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var (length, grown) = await ReceiveMessageAsync(buffer, cancellationToken).ConfigureAwait(false);
                buffer = grown;
                if (length < 0)
                {
                    throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "SFU closed the socket before answering the join request.");
                }

                var evt = SfuEvent.Parser.ParseFrom(buffer.AsSpan(0, length));
                switch (evt.EventPayloadCase)
                {
                    case SfuEvent.EventPayloadOneofCase.JoinResponse:
                        return evt.JoinResponse;
                    case SfuEvent.EventPayloadOneofCase.Error:
                        var error = evt.Error.Error_ ?? new Models.Error();
                        throw new SfuJoinException(error.Code, error.Message, error.ShouldRetry, evt.Error.ReconnectStrategy);
                    default:
                        if (_beforeJoin.Count < MaxEventsBeforeJoin)
                        {
                            _beforeJoin.Enqueue(evt);
                            SfuSignalConnectionLog.HeldBeforeJoin(_logger, evt.EventPayloadCase.ToString());
                        }
                        else
                        {
                            SfuSignalConnectionLog.DroppedBeforeJoin(_logger, evt.EventPayloadCase.ToString(), MaxEventsBeforeJoin);
                        }

                        break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one whole message into a pooled buffer (grown by swapping rentals); -1 on close.</summary>
    private async Task<(int Length, byte[] Buffer)> ReceiveMessageAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length >= MaxMessageBytes)
                {
                    throw new InvalidDataException($"SFU message larger than {MaxMessageBytes} bytes.");
                }

                var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }

            var result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (-1, buffer);
            }

            Volatile.Write(ref _lastMessageTimestamp, _time.GetTimestamp());
            length += result.Count;
            if (result.EndOfMessage)
            {
                if (result.MessageType == WebSocketMessageType.Text)
                {
                    // Only binary protobuf is part of the protocol we speak; skip anything else.
                    length = 0;
                    continue;
                }

                return (length, buffer);
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var end = SfuSocketEnd.Lost;
        try
        {
            // What arrived before join_response goes first, in the order it came.
            while (_beforeJoin.TryDequeue(out var held))
            {
                await _onEvent(held).ConfigureAwait(false);
            }

            while (!_stop.IsCancellationRequested)
            {
                var (length, grown) = await ReceiveMessageAsync(buffer, _stop.Token).ConfigureAwait(false);
                buffer = grown;
                if (length < 0)
                {
                    SfuSignalConnectionLog.ClosedBySfu(_logger, (int?)_socket.CloseStatus ?? 0, _socket.CloseStatusDescription ?? "");
                    break;
                }

                SfuEvent evt;
                try
                {
                    evt = SfuEvent.Parser.ParseFrom(buffer.AsSpan(0, length));
                }
                catch (InvalidProtocolBufferException e)
                {
                    SfuSignalConnectionLog.MalformedEvent(_logger, length, e.Message);
                    continue;
                }

                await _onEvent(evt).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            end = SfuSocketEnd.Closed;
        }
        catch (Exception e) when (e is WebSocketException or InvalidDataException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested)
            {
                SfuSignalConnectionLog.SocketFailed(_logger, e.Message);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ReportEnd(_stop.IsCancellationRequested ? SfuSocketEnd.Closed : end);
        }
    }

    private async Task HealthLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.HealthCheckInterval, _time);
        var ping = new SfuRequest { HealthCheckRequest = new HealthCheckRequest() };
        try
        {
            do
            {
                var silentFor = _time.GetElapsedTime(Volatile.Read(ref _lastMessageTimestamp));
                if (silentFor > _options.UnhealthyTimeout)
                {
                    SfuSignalConnectionLog.Unhealthy(_logger, silentFor.TotalSeconds);
                    ReportEnd(SfuSocketEnd.Unhealthy);
                    await _stop.CancelAsync().ConfigureAwait(false);
                    using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1), _time);
                    try
                    {
                        await _socket.CloseOutputAsync(UnhealthyCloseStatus, "unhealthy", grace.Token).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
                    {
                        _socket.Abort();
                    }

                    return;
                }

                try
                {
                    await SendAsync(ping, _stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException)
                {
                    // The receive loop reports the broken socket.
                    SfuSignalConnectionLog.PingFailed(_logger, e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void ReportEnd(SfuSocketEnd end)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _onEnded(this, end);
        }
    }
}
