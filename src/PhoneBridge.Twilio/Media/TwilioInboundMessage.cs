using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Core.Json;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Twilio.Media;

/// <summary>
/// One message from Twilio, read in place with <see cref="Utf8JsonReader"/>: the media payload stays a slice of
/// the receive buffer, so a <c>media</c> message costs no allocation. Properties may come in any order.
/// </summary>
internal ref struct TwilioInboundMessage
{
    public TwilioMediaEvent Event;

    /// <summary>Base64 text of <c>media.payload</c> (UTF-8).</summary>
    public ReadOnlySpan<byte> Payload;

    public bool HasPayload;

    /// <summary>The payload was escaped and has been unescaped into the scratch buffer (at its start).</summary>
    public bool PayloadInScratch;

    /// <summary><c>media.track</c> is absent or <c>inbound</c>; anything else is not the caller.</summary>
    public bool InboundTrack;

    /// <summary>Top-level <c>streamSid</c> (UTF-8, a slice of the input; empty when absent or escaped). Kept as bytes so media messages allocate nothing.</summary>
    public ReadOnlySpan<byte> StreamSid;

    public PhoneStreamStart? Start;

    /// <summary>Why <c>start.mediaFormat</c> cannot be bridged (null when it is μ-law/8000/mono or absent).</summary>
    public string? UnsupportedFormat;

    public string? MarkName;

    public char Digit;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8 };

    /// <summary>
    /// Parses one message. <paramref name="scratch"/> receives the payload when Twilio escaped it (it never does in
    /// practice), so it must be at least as large as <paramref name="json"/>. Throws <see cref="JsonException"/> on malformed JSON.
    /// </summary>
    public static TwilioInboundMessage Parse(ReadOnlySpan<byte> json, Span<byte> scratch)
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

    private static TwilioInboundMessage ParseCore(ReadOnlySpan<byte> json, Span<byte> scratch)
    {
        var message = new TwilioInboundMessage { InboundTrack = true };
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A Twilio media message must be a JSON object.");
        }

        string? startStreamSid = null;
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
                message.ReadMedia(ref reader, json, scratch);
            }
            else if (reader.ValueTextEquals("streamSid"u8))
            {
                reader.Read();
                message.StreamSid = reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
                    ? json.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length)
                    : default;
                reader.Skip(); // an object or array here is skipped whole; a string stays
            }
            else if (reader.ValueTextEquals("start"u8))
            {
                reader.Read();
                message.ReadStart(ref reader, out startStreamSid);
            }
            else if (reader.ValueTextEquals("dtmf"u8))
            {
                reader.Read();
                message.ReadDtmf(ref reader);
            }
            else if (reader.ValueTextEquals("mark"u8))
            {
                reader.Read();
                message.ReadMark(ref reader);
            }
            else
            {
                reader.SkipProperty();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0)
        {
            throw new JsonException("Unterminated Twilio media message.");
        }

        if (message.Start is { } start && string.IsNullOrEmpty(start.StreamId))
        {
            var sid = startStreamSid ?? (message.StreamSid.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(message.StreamSid));
            message.Start = string.IsNullOrEmpty(sid) ? null : start with { StreamId = sid };
        }

        return message;
    }

    /// <summary>
    /// Decodes a base64 μ-law payload to PCM16. <paramref name="mulaw"/> needs 3/4 of the payload length,
    /// <paramref name="pcm"/> as many samples. False when the payload is not valid base64.
    /// </summary>
    public static bool TryDecodePayload(ReadOnlySpan<byte> payload, Span<byte> mulaw, Span<short> pcm, out int samples)
    {
        var status = Base64.DecodeFromUtf8(payload, mulaw, out var consumed, out var written);
        if (status != OperationStatus.Done || consumed != payload.Length)
        {
            samples = 0;
            return false;
        }

        samples = G711.MuLawDecode(mulaw[..written], pcm);
        return true;
    }

    /// <summary>Same, for a payload that was unescaped into <paramref name="buffer"/>; decodes base64 in place.</summary>
    public static bool TryDecodePayloadInPlace(Span<byte> buffer, Span<short> pcm, out int samples)
    {
        if (Base64.DecodeFromUtf8InPlace(buffer, out var written) != OperationStatus.Done)
        {
            samples = 0;
            return false;
        }

        samples = G711.MuLawDecode(buffer[..written], pcm);
        return true;
    }

    private static TwilioMediaEvent ReadEvent(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return TwilioMediaEvent.Unknown;
        }

        if (reader.ValueTextEquals("media"u8))
        {
            return TwilioMediaEvent.Media;
        }

        if (reader.ValueTextEquals("start"u8))
        {
            return TwilioMediaEvent.Start;
        }

        if (reader.ValueTextEquals("connected"u8))
        {
            return TwilioMediaEvent.Connected;
        }

        if (reader.ValueTextEquals("mark"u8))
        {
            return TwilioMediaEvent.Mark;
        }

        if (reader.ValueTextEquals("dtmf"u8))
        {
            return TwilioMediaEvent.Dtmf;
        }

        if (reader.ValueTextEquals("stop"u8))
        {
            return TwilioMediaEvent.Stop;
        }

        return TwilioMediaEvent.Unknown;
    }

    private void ReadMedia(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, Span<byte> scratch)
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

                if (reader.ValueIsEscaped)
                {
                    var length = reader.CopyString(scratch);
                    Payload = scratch[..length];
                    PayloadInScratch = true;
                }
                else
                {
                    // ValueSpan of an unescaped string is a slice of the input: no copy.
                    Payload = json.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                }

                HasPayload = true;
            }
            else if (reader.ValueTextEquals("track"u8))
            {
                reader.Read();
                InboundTrack = reader.TokenType != JsonTokenType.String || reader.ValueTextEquals("inbound"u8) || reader.ValueTextEquals("inbound_track"u8);
                reader.Skip();
            }
            else
            {
                reader.SkipProperty();
            }
        }
    }

    private void ReadStart(ref Utf8JsonReader reader, out string? streamSid)
    {
        streamSid = null;
        if (!reader.EnterObject())
        {
            return;
        }

        string? callSid = null;
        Dictionary<string, string>? parameters = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("streamSid"u8))
            {
                streamSid = reader.ReadStringProperty();
            }
            else if (reader.ValueTextEquals("callSid"u8))
            {
                callSid = reader.ReadStringProperty();
            }
            else if (reader.ValueTextEquals("customParameters"u8))
            {
                reader.Read();
                parameters = ReadStringMap(ref reader);
            }
            else if (reader.ValueTextEquals("mediaFormat"u8))
            {
                reader.Read();
                UnsupportedFormat = ReadMediaFormat(ref reader);
            }
            else
            {
                reader.SkipProperty();
            }
        }

        Start = new PhoneStreamStart(
            streamSid ?? string.Empty,
            callSid,
            PhoneAudioFormat.MuLaw8k,
            (IReadOnlyDictionary<string, string>?)parameters ?? new Dictionary<string, string>());
    }

    private static Dictionary<string, string>? ReadStringMap(ref Utf8JsonReader reader)
    {
        if (!reader.EnterObject())
        {
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                map[name] = reader.GetString()!;
            }
            else
            {
                reader.Skip();
            }
        }

        return map;
    }

    /// <summary>Twilio documents μ-law, 8000 Hz, mono as the only format; say what differs if that ever changes.</summary>
    private static string? ReadMediaFormat(ref Utf8JsonReader reader)
    {
        if (!reader.EnterObject())
        {
            return null;
        }

        string? problem = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("encoding"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || !string.Equals(reader.GetString(), "audio/x-mulaw", StringComparison.OrdinalIgnoreCase))
                {
                    problem ??= "encoding is not audio/x-mulaw";
                }

                reader.Skip();
            }
            else if (reader.ValueTextEquals("sampleRate"u8))
            {
                reader.Read();
                if (!ReadsAsInt(ref reader, 8000))
                {
                    problem ??= "sampleRate is not 8000";
                }

                reader.Skip();
            }
            else if (reader.ValueTextEquals("channels"u8))
            {
                reader.Read();
                if (!ReadsAsInt(ref reader, 1))
                {
                    problem ??= "channels is not 1";
                }

                reader.Skip();
            }
            else
            {
                reader.SkipProperty();
            }
        }

        return problem;
    }

    private static bool ReadsAsInt(ref Utf8JsonReader reader, int expected) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.TryGetInt32(out var n) && n == expected,
        JsonTokenType.String => int.TryParse(reader.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var s) && s == expected,
        _ => false,
    };

    private void ReadDtmf(ref Utf8JsonReader reader)
    {
        if (!reader.EnterObject())
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("digit"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length == 1 && !reader.ValueIsEscaped)
                {
                    Digit = (char)reader.ValueSpan[0];
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.SkipProperty();
            }
        }
    }

    private void ReadMark(ref Utf8JsonReader reader)
    {
        if (!reader.EnterObject())
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                MarkName = reader.ReadStringProperty();
            }
            else
            {
                reader.SkipProperty();
            }
        }
    }
}
