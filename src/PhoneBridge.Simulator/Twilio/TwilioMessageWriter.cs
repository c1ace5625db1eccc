using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace PhoneBridge.Simulator.Twilio;

/// <summary>
/// Writes the JSON text messages Twilio sends on a Media Streams socket. Counters are strings, as
/// Twilio sends them. The per-frame <c>media</c> message is written by hand into a caller-owned buffer
/// so pacing hundreds of calls allocates nothing per frame.
/// </summary>
public static class TwilioMessageWriter
{
    /// <summary>Enough for a 160-byte frame's media message with any counters and stream sid.</summary>
    public const int MediaMessageCapacity = 512;

    public static int WriteMedia(
        Span<byte> destination, string streamSid, long sequenceNumber, long chunk, long timestampMs, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(streamSid);
        var w = new SpanWriter(destination);
        w.Append("{\"event\":\"media\",\"sequenceNumber\":\""u8);
        w.AppendNumber(sequenceNumber);
        w.Append("\",\"media\":{\"track\":\"inbound\",\"chunk\":\""u8);
        w.AppendNumber(chunk);
        w.Append("\",\"timestamp\":\""u8);
        w.AppendNumber(timestampMs);
        w.Append("\",\"payload\":\""u8);
        w.AppendBase64(payload);
        w.Append("\"},\"streamSid\":\""u8);
        w.AppendAscii(streamSid);
        w.Append("\"}"u8);
        return w.Written;
    }

    public static void WriteConnected(IBufferWriter<byte> output)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("event", "connected");
        json.WriteString("protocol", "Call");
        json.WriteString("version", "1.0.0");
        json.WriteEndObject();
    }

    public static void WriteStart(
        IBufferWriter<byte> output,
        long sequenceNumber,
        string streamSid,
        string callSid,
        string accountSid,
        IReadOnlyDictionary<string, string> customParameters)
    {
        ArgumentNullException.ThrowIfNull(customParameters);
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("event", "start");
        json.WriteString("sequenceNumber", Format(sequenceNumber));
        json.WriteStartObject("start");
        json.WriteString("accountSid", accountSid);
        json.WriteString("streamSid", streamSid);
        json.WriteString("callSid", callSid);
        json.WriteStartArray("tracks");
        json.WriteStringValue("inbound");
        json.WriteEndArray();
        json.WriteStartObject("mediaFormat");
        json.WriteString("encoding", "audio/x-mulaw");
        json.WriteNumber("sampleRate", 8000);
        json.WriteNumber("channels", 1);
        json.WriteEndObject();
        json.WriteStartObject("customParameters");
        foreach (var (name, value) in customParameters)
        {
            json.WriteString(name, value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteString("streamSid", streamSid);
        json.WriteEndObject();
    }

    public static void WriteDtmf(IBufferWriter<byte> output, long sequenceNumber, string streamSid, char digit)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("event", "dtmf");
        json.WriteString("streamSid", streamSid);
        json.WriteString("sequenceNumber", Format(sequenceNumber));
        json.WriteStartObject("dtmf");
        json.WriteString("track", "inbound_track");
        json.WriteString("digit", digit.ToString());
        json.WriteEndObject();
        json.WriteEndObject();
    }

    public static void WriteMark(IBufferWriter<byte> output, long sequenceNumber, string streamSid, string name)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("event", "mark");
        json.WriteString("sequenceNumber", Format(sequenceNumber));
        json.WriteString("streamSid", streamSid);
        json.WriteStartObject("mark");
        json.WriteString("name", name);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    public static void WriteStop(IBufferWriter<byte> output, long sequenceNumber, string streamSid, string callSid, string accountSid)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("event", "stop");
        json.WriteString("sequenceNumber", Format(sequenceNumber));
        json.WriteStartObject("stop");
        json.WriteString("accountSid", accountSid);
        json.WriteString("callSid", callSid);
        json.WriteEndObject();
        json.WriteString("streamSid", streamSid);
        json.WriteEndObject();
    }

    private static string Format(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private ref struct SpanWriter(Span<byte> destination)
    {
        private readonly Span<byte> _destination = destination;

        public int Written { get; private set; }

        public void Append(ReadOnlySpan<byte> utf8)
        {
            utf8.CopyTo(_destination[Written..]);
            Written += utf8.Length;
        }

        public void AppendAscii(string text)
        {
            var target = _destination.Slice(Written, text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                target[i] = checked((byte)text[i]);
            }

            Written += text.Length;
        }

        public void AppendNumber(long value)
        {
            if (!Utf8Formatter.TryFormat(value, _destination[Written..], out var written))
            {
                throw new ArgumentException("Destination too small for the media message.");
            }

            Written += written;
        }

        public void AppendBase64(ReadOnlySpan<byte> payload)
        {
            var status = Base64.EncodeToUtf8(payload, _destination[Written..], out _, out var written);
            if (status != OperationStatus.Done)
            {
                throw new ArgumentException("Destination too small for the media payload.");
            }

            Written += written;
        }
    }
}
