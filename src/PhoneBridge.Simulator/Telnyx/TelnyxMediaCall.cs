using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Simulator.Pacing;

namespace PhoneBridge.Simulator.Telnyx;

/// <summary>
/// The Telnyx side of a media socket: sends <c>connected</c>, <c>start</c> with the codec the answer asked for and
/// paced 20 ms <c>media</c> chunks (optionally with neighbours swapped, as Telnyx may deliver them), and records the
/// audio the server sends back. Marks are returned at once, as Telnyx does when nothing is queued.
/// </summary>
public sealed class TelnyxMediaCall : IPacedCall, IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly List<short> _recording = [];
    private readonly Lock _recordingGate = new();
    private readonly TaskCompletionSource _playbackDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task _receiveLoop = Task.CompletedTask;
    private short[] _playback = [];
    private long _playbackStart;
    private long _framesDue;
    private long _framesSent;
    private long _sequence;
    private int _sending;
    private bool _swapNeighbours;
    private FramePacer? _pacer;

    private TelnyxMediaCall(ClientWebSocket socket, string callControlId, string codec, int sampleRate, TimeProvider time)
    {
        _socket = socket;
        CallControlId = callControlId;
        Codec = codec;
        SampleRate = sampleRate;
        _time = time;
        StreamId = Guid.NewGuid().ToString().ToUpperInvariant();
    }

    public string CallControlId { get; }

    public string StreamId { get; }

    /// <summary><c>PCMU</c>, <c>PCMA</c> or <c>L16</c>.</summary>
    public string Codec { get; }

    public int SampleRate { get; }

    public int SamplesPerFrame => AudioFrame.SamplesAt(SampleRate);

    public Task Completion => _receiveLoop;

    public Task PlaybackCompleted => _playbackDone.Task;

    public long FramesSent => Interlocked.Read(ref _framesSent);

    public int MediaMessagesReceived { get; private set; }

    public int MarksReceived { get; private set; }

    public int ClearsReceived { get; private set; }

    public int InvalidMessagesReceived { get; private set; }

    public string? FirstInvalidMessage { get; private set; }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The rate Telnyx streams a codec at.</summary>
    public static int SampleRateOf(string codec) => codec == "L16" ? 16000 : 8000;

    public static async Task<TelnyxMediaCall> ConnectAsync(
        Uri url, string callControlId, string codec, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (codec is not ("PCMU" or "PCMA" or "L16"))
        {
            throw new SimulatorException($"The simulated phone streams PCMU, PCMA or L16, not {codec}.");
        }

        var socket = new ClientWebSocket();
        try
        {
            await socket.ConnectAsync(url, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var call = new TelnyxMediaCall(socket, callControlId, codec, SampleRateOf(codec), time);
        call._receiveLoop = call.ReceiveLoopAsync();
        await call.SendTextAsync("""{"event":"connected","version":"1.0.0"}""", cancellationToken).ConfigureAwait(false);
        await call.SendTextAsync(call.StartMessage(), cancellationToken).ConfigureAwait(false);
        return call;
    }

    /// <summary>Streams <paramref name="pcm"/> (at <see cref="SampleRate"/>) in paced 20 ms chunks.</summary>
    /// <param name="swapNeighbours">Sends chunks 2,1,4,3,… so the server has to restore their order.</param>
    public void Play(short[] pcm, FramePacer pacer, bool swapNeighbours = false)
    {
        ArgumentNullException.ThrowIfNull(pcm);
        ArgumentNullException.ThrowIfNull(pacer);
        _playback = pcm;
        _swapNeighbours = swapNeighbours;
        _playbackStart = _time.GetTimestamp();
        _pacer = pacer;
        pacer.Add(this);
    }

    public void OnTick(long timestamp)
    {
        var total = _playback.Length / SamplesPerFrame;
        var due = Math.Min(total, (long)(_time.GetElapsedTime(_playbackStart, timestamp) / FramePacer.FrameInterval) + 1);
        Volatile.Write(ref _framesDue, due);
        if (Interlocked.Exchange(ref _sending, 1) == 0)
        {
            _ = SendDueAsync(total);
        }
    }

    public Task SendDtmfAsync(char digit, CancellationToken cancellationToken) =>
        SendTextAsync(
            $$$"""{"event":"dtmf","stream_id":"{{{StreamId}}}","occurred_at":"{{{_time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}}}","sequence_number":"{{{NextSequence()}}}","dtmf":{"digit":"{{{digit}}}"}}""",
            cancellationToken);

    public Task SendTextAsync(string text, CancellationToken cancellationToken) => SendAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>The recorded audio the server sent, as PCM at <see cref="SampleRate"/>.</summary>
    public short[] Recording()
    {
        lock (_recordingGate)
        {
            return [.. _recording];
        }
    }

    /// <summary>Ends the stream as Telnyx does when the caller hangs up: <c>stop</c>, then the close handshake.</summary>
    public async Task HangUpAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        StopPlayback();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await SendTextAsync(
                    $$$"""{"event":"stop","sequence_number":"{{{NextSequence()}}}","stop":{"user_id":"sim","call_control_id":"{{{CallControlId}}}"},"stream_id":"{{{StreamId}}}"}""",
                    cts.Token).ConfigureAwait(false);
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "hangup", cts.Token).ConfigureAwait(false);
            }

            await _receiveLoop.WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            _socket.Abort();
        }
    }

    /// <summary>Waits until the server closes the socket.</summary>
    public Task WaitClosedAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _receiveLoop.WaitAsync(timeout, _time, cancellationToken);

    private string StartMessage() =>
        $$$"""{"event":"start","sequence_number":"{{{NextSequence()}}}","start":{"user_id":"sim","call_control_id":"{{{CallControlId}}}","call_session_id":"{{{CallControlId}}}-session","from":"+15551230000","to":"+15559870000","tags":[],"client_state":null,"media_format":{"encoding":"{{{Codec}}}","sample_rate":{{{SampleRate}}},"channels":1}},"stream_id":"{{{StreamId}}}"}""";

    private long NextSequence() => Interlocked.Increment(ref _sequence);

    private async Task SendDueAsync(long total)
    {
        try
        {
            while (true)
            {
                var due = Volatile.Read(ref _framesDue);
                var sent = Interlocked.Read(ref _framesSent);
                if (sent >= due || _stop.IsCancellationRequested)
                {
                    break;
                }

                var index = OrderedIndex(sent, total);
                await SendFrameAsync(index).ConfigureAwait(false);
                Interlocked.Increment(ref _framesSent);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            StopPlayback();
        }
        finally
        {
            Volatile.Write(ref _sending, 0);
        }

        if (Interlocked.Read(ref _framesSent) >= total)
        {
            StopPlayback();
        }
    }

    // With swapping, slot n carries chunk n^1 (when that chunk exists), so the pair order is reversed.
    private long OrderedIndex(long slot, long total) =>
        _swapNeighbours && (slot ^ 1) < total ? slot ^ 1 : slot;

    private async Task SendFrameAsync(long index)
    {
        var samples = _playback.AsSpan((int)(index * SamplesPerFrame), SamplesPerFrame);
        var payload = new byte[Codec == "L16" ? samples.Length * 2 : samples.Length];
        _ = Codec switch
        {
            "PCMU" => G711.MuLawEncode(samples, payload),
            "PCMA" => G711.ALawEncode(samples, payload),
            _ => L16.EncodeBigEndian(samples, payload),
        };
        var chunk = index + 1;
        var message =
            $$$"""{"event":"media","sequence_number":"{{{NextSequence()}}}","media":{"track":"inbound","chunk":"{{{chunk}}}","timestamp":"{{{index * AudioFrame.Milliseconds}}}","payload":"{{{Convert.ToBase64String(payload)}}}"},"stream_id":"{{{StreamId}}}"}""";
        await SendTextAsync(message, _stop.Token).ConfigureAwait(false);
    }

    private void StopPlayback()
    {
        _pacer?.Remove(this);
        _playbackDone.TrySetResult();
    }

    private async Task SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        await Task.Yield();
        var buffer = new byte[256 * 1024];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None).ConfigureAwait(false);
                    count += result.Count;
                }
                while (!result.EndOfMessage && count < buffer.Length);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).ConfigureAwait(false);
                    }

                    return;
                }

                await HandleAsync(buffer.AsMemory(0, count)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            // The connection dropped (the report shows it through CloseStatus), or DisposeAsync aborted the socket,
            // which disposes it under a pending receive.
        }
        finally
        {
            StopPlayback();
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> message)
    {
        string? kind = null;
        try
        {
            using var json = JsonDocument.Parse(message);
            var root = json.RootElement;
            kind = root.GetProperty("event").GetString();
            switch (kind)
            {
                case "media":
                    var payload = root.GetProperty("media").GetProperty("payload").GetBytesFromBase64();
                    if (payload.Length < SamplesPerFrame * (Codec == "L16" ? 2 : 1))
                    {
                        Invalid($"media chunk shorter than 20 ms ({payload.Length} bytes)");
                    }

                    Record(payload);
                    MediaMessagesReceived++;
                    break;
                case "mark":
                    MarksReceived++;
                    var name = root.GetProperty("mark").GetProperty("name").GetString();
                    await SendTextAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
                    {
                        ["event"] = "mark",
                        ["sequence_number"] = NextSequence().ToString(CultureInfo.InvariantCulture),
                        ["stream_id"] = StreamId,
                        ["mark"] = new Dictionary<string, string?> { ["name"] = name },
                    }), CancellationToken.None).ConfigureAwait(false);
                    break;
                case "clear":
                    ClearsReceived++;
                    break;
                default:
                    Invalid($"unknown event {kind}");
                    break;
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            Invalid($"{kind ?? "message"}: {e.Message}");
        }
    }

    private void Record(byte[] payload)
    {
        var pcm = new short[Codec == "L16" ? payload.Length / 2 : payload.Length];
        _ = Codec switch
        {
            "PCMU" => G711.MuLawDecode(payload, pcm),
            "PCMA" => G711.ALawDecode(payload, pcm),
            _ => L16.DecodeBigEndian(payload.AsSpan(0, pcm.Length * 2), pcm),
        };
        lock (_recordingGate)
        {
            _recording.AddRange(pcm);
        }
    }

    private void Invalid(string what)
    {
        InvalidMessagesReceived++;
        FirstInvalidMessage ??= what;
    }

    public async ValueTask DisposeAsync()
    {
        StopPlayback();
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_socket.State == WebSocketState.Open)
        {
            _socket.Abort();
        }

        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }

        _socket.Dispose();
        _sendLock.Dispose();
        _stop.Dispose();
    }
}
