using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PhoneBridge.Telnyx.Media;

/// <summary>
/// Writes the messages we send Telnyx into one reusable buffer; once it has grown, a <c>media</c> message
/// allocates nothing. Telnyx needs no stream id on what we send. Not thread-safe: the stream sends one message at a time.
/// </summary>
internal sealed class TelnyxOutboundWriter : IDisposable
{
    // Base64 uses '+' and '/', which the default encoder would escape; nothing written here ends up in HTML.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly ArrayBufferWriter<byte> _buffer = new(2048);
    private readonly Utf8JsonWriter _json;

    public TelnyxOutboundWriter()
    {
        _json = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    /// <summary><c>{"event":"media","media":{"payload":base64(rtp payload)}}</c></summary>
    public ReadOnlyMemory<byte> WriteMedia(ReadOnlySpan<byte> payload)
    {
        Begin("media"u8);
        _json.WriteStartObject("media"u8);
        _json.WriteBase64String("payload"u8, payload);
        _json.WriteEndObject();
        return End();
    }

    /// <summary><c>{"event":"mark","mark":{"name":…}}</c></summary>
    public ReadOnlyMemory<byte> WriteMark(string name)
    {
        Begin("mark"u8);
        _json.WriteStartObject("mark"u8);
        _json.WriteString("name"u8, name);
        _json.WriteEndObject();
        return End();
    }

    /// <summary><c>{"event":"clear"}</c></summary>
    public ReadOnlyMemory<byte> WriteClear()
    {
        Begin("clear"u8);
        return End();
    }

    public void Dispose() => _json.Dispose();

    private void Begin(ReadOnlySpan<byte> eventName)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("event"u8, eventName);
    }

    private ReadOnlyMemory<byte> End()
    {
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenMemory;
    }
}
