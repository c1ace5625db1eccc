using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace PhoneBridge.Twilio.Media;

/// <summary>
/// Writes the messages we send Twilio into one reusable buffer: after the first few messages have grown it,
/// writing a <c>media</c> message allocates nothing. Not thread-safe; the stream sends one message at a time.
/// </summary>
internal sealed class TwilioOutboundWriter : IDisposable
{
    // Base64 uses '+' and '/', which the default encoder would escape as \u002B; the relaxed one leaves them,
    // and nothing we write ends up in HTML.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;

    public TwilioOutboundWriter()
    {
        _json = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    /// <summary><c>{"event":"media","streamSid":…,"media":{"payload":base64(mulaw)}}</c></summary>
    public ReadOnlyMemory<byte> WriteMedia(ReadOnlySpan<byte> streamSid, ReadOnlySpan<byte> mulaw)
    {
        Begin("media"u8, streamSid);
        _json.WriteStartObject("media"u8);
        _json.WriteBase64String("payload"u8, mulaw);
        _json.WriteEndObject();
        return End();
    }

    /// <summary><c>{"event":"mark","streamSid":…,"mark":{"name":…}}</c></summary>
    public ReadOnlyMemory<byte> WriteMark(ReadOnlySpan<byte> streamSid, string name)
    {
        Begin("mark"u8, streamSid);
        _json.WriteStartObject("mark"u8);
        _json.WriteString("name"u8, name);
        _json.WriteEndObject();
        return End();
    }

    /// <summary><c>{"event":"clear","streamSid":…}</c></summary>
    public ReadOnlyMemory<byte> WriteClear(ReadOnlySpan<byte> streamSid)
    {
        Begin("clear"u8, streamSid);
        return End();
    }

    public void Dispose() => _json.Dispose();

    private void Begin(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> streamSid)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("event"u8, eventName);
        _json.WriteString("streamSid"u8, streamSid);
    }

    private ReadOnlyMemory<byte> End()
    {
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenMemory;
    }
}
