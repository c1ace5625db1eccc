using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Audio;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Telnyx.Media;

/// <summary>
/// A Telnyx media streaming socket seen as PCM16 at the negotiated rate (PCMU/PCMA at 8 kHz, L16 big-endian at
/// 16 kHz). The receive loop parses Telnyx's JSON in place from pooled buffers and restores chunk order in a small
/// window; outbound 20 ms frames, marks and clears go through the shared bounded queue (drop oldest) of
/// <see cref="WebSocketPhoneStream"/>. Neither direction allocates per frame.
/// </summary>
public sealed class TelnyxMediaStream : WebSocketPhoneStream
{
    private static readonly Dictionary<string, string> NoParameters = new(StringComparer.Ordinal);

    private readonly TelnyxMediaStreamOptions _options;
    private readonly ILogger _logger;
    private readonly TelnyxOutboundWriter _writer = new();
    private readonly Lock _sendGate = new();

    // Set once on start; OnFrame reads it without a lock.
    private volatile StartedFormat? _format;
    private string? _callControlId;

    // Caller-side audio is cut into exact 20 ms frames here (Telnyx wants at least 20 ms per chunk).
    private short[]? _pending;
    private int _pendingCount;

    // Rented for one run; the receive loop owns them.
    private Buffers _buffers = new([], [], []);
    private ChunkReorderBuffer? _reorder;

    // Protocol noise is logged the first time per stream and counted after that.
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
        : base(
            socket,
            (options ?? throw new ArgumentNullException(nameof(options))).MaxMessageBytes,
            options.SendQueueCapacity,
            options.CloseTimeout,
            options.StartTimeout,
            time,
            hangUpCall,
            logger)
    {
        _options = options;
        _logger = logger;
        _callControlId = callControlId;
    }

    public override string Provider => TelnyxProvider.Name;

    /// <summary>The negotiated format once <c>start</c> arrived.</summary>
    public PhoneAudioFormat? Format => _format?.Format;

    /// <summary>Telnyx's <c>call_control_id</c>, from the constructor or <c>start</c>.</summary>
    public string? CallControlId => Volatile.Read(ref _callControlId);

    protected override bool IsStarted => _format is not null;

    // Closing the media socket does not end a Telnyx call: Call Control must hang it up.
    protected override string? ApiCallId => CallControlId;

    public override void OnFrame(ReadOnlySpan<short> pcm)
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

    public override void SendMark(string name)
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

            QueueMark(name);
        }
    }

    public override void Clear()
    {
        if (_format is null)
        {
            return;
        }

        lock (_sendGate)
        {
            _pendingCount = 0;
            QueueClear();
        }
    }

    /// <summary>Encodes the full pending frame and queues it. Called under <see cref="_sendGate"/>.</summary>
    private void QueueFrame(StartedFormat started)
    {
        var samples = _pendingCount;
        _pendingCount = 0;
        var bytes = samples * PhoneCodec.BytesPerSample(started.Format.Encoding);
        var buffer = ArrayPool<byte>.Shared.Rent(bytes);
        PhoneCodec.Encode(started.Format.Encoding, _pending.AsSpan(0, samples), buffer);
        QueueMedia(buffer, bytes);
    }

    protected override void OnRunStarting()
    {
        var max = _options.MaxMessageBytes;
        _buffers = new Buffers(ArrayPool<byte>.Shared.Rent(max), ArrayPool<byte>.Shared.Rent(max), ArrayPool<short>.Shared.Rent(max));
        _reorder = new ChunkReorderBuffer(_options.ReorderWindow);
    }

    protected override void OnReceiveCompleted(IPhoneStreamHandler handler) => _reorder?.Flush(handler);

    protected override void OnRunEnded()
    {
        ArrayPool<byte>.Shared.Return(_buffers.Scratch);
        ArrayPool<byte>.Shared.Return(_buffers.Decoded);
        ArrayPool<short>.Shared.Return(_buffers.Pcm);
        _buffers = new Buffers([], [], []);
        var reorder = _reorder!;
        LogSummary(reorder);
        reorder.Dispose();
    }

    protected override void DisposeCore() => _writer.Dispose();

    protected override ReadOnlyMemory<byte> FormatOutbound(PhoneOutboundKind kind, ReadOnlySpan<byte> payload, string? name) => kind switch
    {
        PhoneOutboundKind.Media => _writer.WriteMedia(payload),
        PhoneOutboundKind.Mark => _writer.WriteMark(name!),
        _ => _writer.WriteClear(),
    };

    /// <summary>Handles one text message; false when the stream is over.</summary>
    protected override bool Dispatch(IPhoneStreamHandler handler, ReadOnlySpan<byte> json)
    {
        var buffers = _buffers;
        var reorder = _reorder!;
        TelnyxInboundMessage message;
        try
        {
            message = TelnyxInboundMessage.Parse(json, buffers.Scratch);
        }
        catch (JsonException e)
        {
            Noise.MalformedMessage(e.Message);
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
                DeliverMark(handler, message.MarkName);
                return true;
            case TelnyxMediaEvent.Dtmf:
                DeliverDtmf(handler, message.Digit);
                return true;
            case TelnyxMediaEvent.Connected:
                LogProviderConnected();
                return true;
            case TelnyxMediaEvent.Error:
                // Telnyx reports a problem with something we sent (e.g. 100003 malformed_frame) and goes on.
                if (_providerErrors++ == 0)
                {
                    TelnyxMediaStreamLog.ProviderError(_logger, message.ErrorCode ?? "?", message.ErrorTitle ?? "?");
                }

                return true;
            case TelnyxMediaEvent.Stop:
                LogStoppedByProvider();
                return false;
            default:
                Noise.UnknownEvent();
                return true;
        }
    }

    private void OnMedia(IPhoneStreamHandler handler, ref TelnyxInboundMessage message, Buffers buffers, ChunkReorderBuffer reorder)
    {
        var started = _format;
        if (started is null || !message.HasPayload || !message.InboundTrack)
        {
            Noise.Ignored();
            return;
        }

        if (!message.TryDecodePayload(buffers.Decoded, out var bytes)
            || (started.Format.Encoding == PhoneEncoding.L16 && (bytes & 1) != 0))
        {
            Noise.BadPayload();
            return;
        }

        var encoded = buffers.Decoded.AsSpan(0, bytes);
        var pcm = buffers.Pcm.AsSpan();
        var samples = PhoneCodec.Decode(started.Format.Encoding, encoded, pcm);
        if (samples > 0)
        {
            CountFrameReceived();
            reorder.Push(message.Chunk, pcm[..samples], handler);
        }
    }

    private bool OnStart(IPhoneStreamHandler handler, ref TelnyxInboundMessage message)
    {
        if (_format is not null)
        {
            Noise.Ignored();
            return true;
        }

        if (!TelnyxMediaFormats.TryResolve(message.Encoding, message.SampleRate, message.Channels, out var format, out var problem))
        {
            RefuseFormat(problem!);
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
        TelnyxMediaStreamLog.Started(_logger, streamId, CallControlId, format.Encoding, format.SampleRate);
        handler.OnStarted(new PhoneStreamStart(streamId, CallControlId, format, parameters));
        return true;
    }

    private void LogSummary(ChunkReorderBuffer reorder) =>
        TelnyxMediaStreamLog.Ended(_logger, FramesReceived, FramesSent, reorder.Reordered, reorder.Skipped, reorder.Late, _providerErrors);

    private sealed class StartedFormat(PhoneAudioFormat format)
    {
        public PhoneAudioFormat Format { get; } = format;

        public int SamplesPerFrame { get; } = format.SamplesPerFrame;
    }

    private readonly record struct Buffers(byte[] Scratch, byte[] Decoded, short[] Pcm);
}
