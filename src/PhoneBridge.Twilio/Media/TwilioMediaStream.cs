using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Twilio.Media;

/// <summary>
/// A Twilio Media Streams socket seen as PCM16 at 8 kHz. The receive loop parses Twilio's JSON in place from a
/// pooled buffer; outbound μ-law frames, marks and clears go through the shared bounded queue (drop oldest) of
/// <see cref="WebSocketPhoneStream"/>. Neither direction allocates per frame.
/// </summary>
public sealed class TwilioMediaStream : WebSocketPhoneStream
{
    private readonly TwilioMediaStreamOptions _options;
    private readonly ILogger _logger;
    private readonly TwilioOutboundWriter _writer = new();

    private volatile byte[]? _streamSid;
    private string? _callSid;

    // Rented for one run; the receive loop owns them.
    private byte[] _mulaw = [];
    private short[] _pcm = [];

    /// <param name="hangUpCall">Ends the call through Twilio's API by CallSid; null when no REST credentials exist.</param>
    public TwilioMediaStream(
        WebSocket socket,
        TwilioMediaStreamOptions options,
        ILogger<TwilioMediaStream> logger,
        TimeProvider? time = null,
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
    }

    public override string Provider => TwilioProvider.Name;

    /// <summary>Twilio's <c>streamSid</c> once <c>start</c> arrived.</summary>
    public string? StreamSid => _streamSid is { } sid ? Encoding.UTF8.GetString(sid) : null;

    /// <summary>Twilio's <c>callSid</c> once <c>start</c> arrived.</summary>
    public string? CallSid => Volatile.Read(ref _callSid);

    protected override bool IsStarted => _streamSid is not null;

    // Closing a <Connect><Stream> socket already ends the call; the API call makes sure of it.
    protected override string? ApiCallId => CallSid;

    public override void OnFrame(ReadOnlySpan<short> pcm)
    {
        if (pcm.IsEmpty || _streamSid is null)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(pcm.Length);
        G711.MuLawEncode(pcm, buffer);
        QueueMedia(buffer, pcm.Length);
    }

    protected override void OnRunStarting()
    {
        _mulaw = ArrayPool<byte>.Shared.Rent(_options.MaxMessageBytes);
        _pcm = ArrayPool<short>.Shared.Rent(_options.MaxMessageBytes);
    }

    protected override void OnRunEnded()
    {
        ArrayPool<byte>.Shared.Return(_mulaw);
        ArrayPool<short>.Shared.Return(_pcm);
        _mulaw = [];
        _pcm = [];
        LogSummary();
    }

    protected override void DisposeCore() => _writer.Dispose();

    protected override ReadOnlyMemory<byte> FormatOutbound(PhoneOutboundKind kind, ReadOnlySpan<byte> payload, string? name)
    {
        var streamSid = _streamSid;
        if (streamSid is null)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        return kind switch
        {
            PhoneOutboundKind.Media => _writer.WriteMedia(streamSid, payload),
            PhoneOutboundKind.Mark => _writer.WriteMark(streamSid, name!),
            _ => _writer.WriteClear(streamSid),
        };
    }

    protected override bool Dispatch(IPhoneStreamHandler handler, ReadOnlySpan<byte> json)
    {
        var scratch = _mulaw.AsSpan();
        var pcm = _pcm.AsSpan();
        TwilioInboundMessage message;
        try
        {
            message = TwilioInboundMessage.Parse(json, scratch);
        }
        catch (JsonException e)
        {
            Noise.MalformedMessage(e.Message);
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
                DeliverMark(handler, message.MarkName);
                return true;
            case TwilioMediaEvent.Dtmf:
                DeliverDtmf(handler, message.Digit);
                return true;
            case TwilioMediaEvent.Connected:
                LogProviderConnected();
                return true;
            case TwilioMediaEvent.Stop:
                LogStoppedByProvider();
                return false;
            default:
                Noise.UnknownEvent();
                return true;
        }
    }

    private void OnMedia(IPhoneStreamHandler handler, ref TwilioInboundMessage message, Span<byte> scratch, Span<short> pcm)
    {
        if (_streamSid is null || !message.HasPayload || !message.InboundTrack)
        {
            Noise.Ignored();
            return;
        }

        var decoded = message.PayloadInScratch
            ? TwilioInboundMessage.TryDecodePayloadInPlace(scratch[..message.Payload.Length], pcm, out var samples)
            : TwilioInboundMessage.TryDecodePayload(message.Payload, scratch, pcm, out samples);
        if (!decoded)
        {
            Noise.BadPayload();
            return;
        }

        if (samples > 0)
        {
            CountFrameReceived();
            handler.CallerAudio.OnFrame(pcm[..samples]);
        }
    }

    private bool OnStart(IPhoneStreamHandler handler, ref TwilioInboundMessage message)
    {
        if (_streamSid is not null)
        {
            Noise.Ignored();
            return true;
        }

        if (message.Start is not { } start)
        {
            Noise.MalformedMessage("start without streamSid");
            return true;
        }

        if (message.UnsupportedFormat is { } problem)
        {
            RefuseFormat(problem);
            return false;
        }

        Volatile.Write(ref _callSid, start.ProviderCallId);
        _streamSid = Encoding.UTF8.GetBytes(start.StreamId);
        TwilioMediaStreamLog.Started(_logger, start.StreamId, start.ProviderCallId);
        handler.OnStarted(start);
        return true;
    }

    private void LogSummary() => TwilioMediaStreamLog.Ended(_logger, FramesReceived, FramesSent);
}
