using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using PhoneBridge.Core.Json;

namespace PhoneBridge.Telnyx.Media;

/// <summary>
/// One message from Telnyx, read in place with <see cref="Utf8JsonReader"/>: the media payload stays a slice of the
/// receive buffer, so a <c>media</c> message costs no allocation. Properties may come in any order; unknown ones
/// are skipped.
/// </summary>
internal ref struct TelnyxInboundMessage
{
    public TelnyxMediaEvent Event;

    /// <summary>Base64 text of <c>media.payload</c> (UTF-8), or the unescaped copy in the scratch buffer.</summary>
    public ReadOnlySpan<byte> Payload;

    public bool HasPayload;

    /// <summary><c>media.track</c> is absent or inbound; anything else is not the caller.</summary>
    public bool InboundTrack;

    /// <summary><c>media.chunk</c> (or -1): the per-stream media counter used to restore order.</summary>
    public long Chunk;

    /// <summary>Raw UTF-8 of the top-level <c>stream_id</c>; turned into a string only on <c>start</c>, so media costs nothing.</summary>
    public ReadOnlySpan<byte> StreamIdUtf8;

    private string? _escapedStreamId;

    public string? CallControlId;

    public string? Encoding;

    public int SampleRate;

    public int Channels;

    public string? ClientState;

    public string? MarkName;

    public char Digit;

    public string? ErrorCode;

    public string? ErrorTitle;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8 };

    /// <summary>
    /// Parses one message. <paramref name="scratch"/> receives the payload if it was escaped, so it must be at least as
    /// large as <paramref name="json"/>. Throws <see cref="JsonException"/> on malformed JSON.
    /// </summary>
    public static TelnyxInboundMessage Parse(ReadOnlySpan<byte> json, Span<byte> scratch)
    {
        try
        {
            return ParseCore(json, scratch);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader checks the structure, not the text inside strings: reading one that is not valid UTF-8,
            // or that escapes a lone surrogate, throws this instead. For the caller it is malformed JSON all the same.
            throw new JsonException("A string in the message is not valid UTF-8 or UTF-16.", e);
        }
    }

    private static TelnyxInboundMessage ParseCore(ReadOnlySpan<byte> json, Span<byte> scratch)
    {
        var message = new TelnyxInboundMessage { InboundTrack = true, Chunk = -1 };
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A Telnyx media message must be a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("event"u8))
            {
                reader.Read();
                message.Event = ReadEvent(ref reader);
            }
            else if (reader.ValueTextEquals("media"u8))
            {
                reader.Read();
                message.ReadMedia(ref reader, scratch);
            }
            else if (reader.ValueTextEquals("stream_id"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    if (reader.ValueIsEscaped)
                    {
                        message._escapedStreamId = reader.GetString();
                    }
                    else
                    {
                        message.StreamIdUtf8 = reader.ValueSpan;
                    }
                }

                reader.Skip(); // an object or array here is skipped whole; a string stays
            }
            else if (reader.ValueTextEquals("start"u8))
            {
                reader.Read();
                message.ReadStart(ref reader);
            }
            else if (reader.ValueTextEquals("dtmf"u8))
            {
                reader.Read();
                message.Digit = ReadSingleString(ref reader, "digit"u8) is [var digit] ? digit : '\0';
            }
            else if (reader.ValueTextEquals("mark"u8))
            {
                reader.Read();
                message.MarkName = ReadSingleString(ref reader, "name"u8);
            }
            else if (reader.ValueTextEquals("payload"u8))
            {
                reader.Read();
                message.ReadError(ref reader);
            }
            else
            {
                reader.SkipProperty();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("A Telnyx media message must be a single JSON object.");
        }

        return message;
    }

    private static TelnyxMediaEvent ReadEvent(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return TelnyxMediaEvent.Unknown;
        }

        return reader.ValueTextEquals("media"u8) ? TelnyxMediaEvent.Media
            : reader.ValueTextEquals("start"u8) ? TelnyxMediaEvent.Start
            : reader.ValueTextEquals("connected"u8) ? TelnyxMediaEvent.Connected
            : reader.ValueTextEquals("dtmf"u8) ? TelnyxMediaEvent.Dtmf
            : reader.ValueTextEquals("mark"u8) ? TelnyxMediaEvent.Mark
            : reader.ValueTextEquals("stop"u8) ? TelnyxMediaEvent.Stop
            : reader.ValueTextEquals("error"u8) ? TelnyxMediaEvent.Error
            : TelnyxMediaEvent.Unknown;
    }

    private void ReadMedia(ref Utf8JsonReader reader, Span<byte> scratch)
    {
        if (!reader.EnterObject())
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("payload"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }

                HasPayload = true;
                if (reader.ValueIsEscaped)
                {
                    var length = reader.CopyString(scratch);
                    Payload = scratch[..length];
                }
                else
                {
                    Payload = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
                }
            }
            else if (reader.ValueTextEquals("track"u8))
            {
                reader.Read();
                InboundTrack = reader.TokenType != JsonTokenType.String
                    || reader.ValueTextEquals("inbound"u8)
                    || reader.ValueTextEquals("inbound_track"u8);
                reader.Skip(); // an object or array here is skipped whole; a string stays
            }
            else if (reader.ValueTextEquals("chunk"u8))
            {
                reader.Read();
                Chunk = ReadCounter(ref reader);
            }
            else
            {
                reader.SkipProperty();
            }
        }
    }

    private void ReadStart(ref Utf8JsonReader reader)
    {
        if (!reader.EnterObject())
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("call_control_id"u8))
            {
                CallControlId = reader.ReadStringProperty();
            }
            else if (reader.ValueTextEquals("client_state"u8))
            {
                ClientState = reader.ReadStringProperty();
            }
            else if (reader.ValueTextEquals("media_format"u8))
            {
                reader.Read();
                ReadMediaFormat(ref reader);
            }
            else
            {
                reader.SkipProperty();
            }
        }
    }

    private void ReadMediaFormat(ref Utf8JsonReader reader)
    {
        if (!reader.EnterObject())
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("encoding"u8))
            {
                Encoding = reader.ReadStringProperty();
            }
            else if (reader.ValueTextEquals("sample_rate"u8))
            {
                reader.Read();
                SampleRate = (int)Math.Clamp(ReadCounter(ref reader), -1, int.MaxValue);
            }
            else if (reader.ValueTextEquals("channels"u8))
            {
                reader.Read();
                Channels = (int)Math.Clamp(ReadCounter(ref reader), -1, int.MaxValue);
            }
            else
            {
                reader.SkipProperty();
            }
        }
    }

    private void ReadError(ref Utf8JsonReader reader)
    {
        if (!reader.EnterObject())
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                ErrorCode = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
                    _ => null,
                };
            }
            else if (reader.ValueTextEquals("title"u8))
            {
                ErrorTitle = reader.ReadStringProperty();
            }
            else
            {
                reader.SkipProperty();
            }
        }
    }

    /// <summary>Reads <c>{"key":"value", …}</c> and returns the value of <paramref name="key"/>.</summary>
    private static string? ReadSingleString(ref Utf8JsonReader reader, ReadOnlySpan<byte> key)
    {
        if (!reader.EnterObject())
        {
            return null;
        }

        string? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(key);
            reader.Read();
            if (match && reader.TokenType == JsonTokenType.String)
            {
                value = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return value;
    }

    /// <summary>Telnyx sends counters as decimal strings; numbers are accepted too. -1 when absent or invalid.</summary>
    private static long ReadCounter(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var number) && number >= 0 ? number : -1;
            case JsonTokenType.String when !reader.ValueIsEscaped && !reader.HasValueSequence:
                return Utf8Parser.TryParse(reader.ValueSpan, out long parsed, out var consumed)
                    && consumed == reader.ValueSpan.Length && parsed >= 0 ? parsed : -1;
            default:
                reader.Skip();
                return -1;
        }
    }

    /// <summary>The <c>stream_id</c> as a string (allocates; for <c>start</c> only).</summary>
    public readonly string? StreamId =>
        _escapedStreamId ?? (StreamIdUtf8.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(StreamIdUtf8));

    /// <summary>Decodes the base64 payload into <paramref name="destination"/>; false when it is not valid base64.</summary>
    public readonly bool TryDecodePayload(Span<byte> destination, out int written)
    {
        var status = Base64.DecodeFromUtf8(Payload, destination, out var consumed, out written);
        return status == OperationStatus.Done && consumed == Payload.Length;
    }
}
