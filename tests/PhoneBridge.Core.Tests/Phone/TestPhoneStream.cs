using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Tests.Phone;

/// <summary>
/// The smallest provider on top of <see cref="WebSocketPhoneStream"/>, so its tests see the shared socket half alone.
/// Inbound text: <c>start:{callId}</c>, <c>audio:{samples}</c>, <c>stop</c>. Outbound text: <c>media:{first sample}</c>,
/// <c>mark:{name}</c>, <c>clear</c>.
/// </summary>
internal sealed class TestPhoneStream(
    WebSocket socket,
    ILogger logger,
    int maxMessageBytes = 4096,
    int sendQueueCapacity = 64,
    TimeSpan? closeTimeout = null,
    TimeSpan? startTimeout = null,
    TimeProvider? time = null,
    Func<string, CancellationToken, Task>? hangUpCall = null)
    : WebSocketPhoneStream(
        socket,
        maxMessageBytes,
        sendQueueCapacity,
        closeTimeout ?? TimeSpan.FromSeconds(5),
        startTimeout ?? Timeout.InfiniteTimeSpan,
        time,
        hangUpCall,
        logger)
{
    private readonly byte[] _outbound = new byte[256];
    private volatile string? _callId;

    public override string Provider => "test";

    protected override bool IsStarted => _callId is not null;

    protected override string? ApiCallId => _callId;

    public override void OnFrame(ReadOnlySpan<short> pcm)
    {
        if (pcm.IsEmpty || _callId is null)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(2);
        BinaryPrimitives.WriteInt16LittleEndian(buffer, pcm[0]);
        QueueMedia(buffer, 2);
    }

    protected override bool Dispatch(IPhoneStreamHandler handler, ReadOnlySpan<byte> message)
    {
        var text = Encoding.UTF8.GetString(message);
        if (text.StartsWith("start:", StringComparison.Ordinal))
        {
            _callId = text["start:".Length..];
            handler.OnStarted(new PhoneStreamStart("stream-1", _callId, PhoneAudioFormat.MuLaw8k, new Dictionary<string, string>()));
        }
        else if (text.StartsWith("audio:", StringComparison.Ordinal) && _callId is not null)
        {
            CountFrameReceived();
            handler.CallerAudio.OnFrame(new short[int.Parse(text.AsSpan("audio:".Length), CultureInfo.InvariantCulture)]);
        }
        else if (text == "stop")
        {
            return false;
        }

        return true;
    }

    protected override ReadOnlyMemory<byte> FormatOutbound(PhoneOutboundKind kind, ReadOnlySpan<byte> payload, string? name)
    {
        var text = kind switch
        {
            PhoneOutboundKind.Media => "media:" + BinaryPrimitives.ReadInt16LittleEndian(payload).ToString(CultureInfo.InvariantCulture),
            PhoneOutboundKind.Mark => "mark:" + name,
            _ => "clear",
        };
        return _outbound.AsMemory(0, Encoding.UTF8.GetBytes(text, _outbound));
    }
}
