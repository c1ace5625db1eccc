using System.Buffers.Text;
using System.Text.Json;

namespace PhoneBridge.Simulator.Twilio;

public enum ServerMessageKind
{
    Media,
    Mark,
    Clear,
    Unknown,
}

/// <summary>
/// One message the server sent on the media socket (<c>media</c>, <c>mark</c>, <c>clear</c>), parsed the
/// way Twilio would: anything else, or a malformed one, is an invalid message (Twilio warning 31951).
/// </summary>
public static class ServerMessage
{
    /// <summary>
    /// Parses <paramref name="json"/>; the media payload is decoded into <paramref name="payload"/>.
    /// Returns false with <paramref name="error"/> set when Twilio would reject the message.
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<byte> json,
        Span<byte> payload,
        ReadOnlySpan<byte> expectedStreamSid,
        out ServerMessageKind kind,
        out int payloadLength,
        out string? markName,
        out bool streamSidMatches,
        out string? error)
    {
        kind = ServerMessageKind.Unknown;
        payloadLength = 0;
        markName = null;
        streamSidMatches = false;
        error = null;
        var eventName = EventName.Missing;
        string? otherEvent = null;
        var sawPayload = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "not a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("event"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = "event is not a string";
                        return false;
                    }

                    eventName = reader.ValueTextEquals("media"u8) ? EventName.Media
                        : reader.ValueTextEquals("mark"u8) ? EventName.Mark
                        : reader.ValueTextEquals("clear"u8) ? EventName.Clear
                        : EventName.Other;
                    otherEvent = eventName == EventName.Other ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("streamSid"u8))
                {
                    reader.Read();
                    streamSidMatches = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(expectedStreamSid);
                }
                else if (reader.ValueTextEquals("media"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        error = "media is not an object";
                        return false;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isPayload = reader.ValueTextEquals("payload"u8);
                        reader.Read();
                        if (isPayload)
                        {
                            if (reader.TokenType != JsonTokenType.String)
                            {
                                error = "media.payload is not a string";
                                return false;
                            }

                            if (!TryDecodePayload(ref reader, payload, out payloadLength))
                            {
                                error = "media.payload is not base64 or too large";
                                return false;
                            }

                            sawPayload = true;
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else if (reader.ValueTextEquals("mark"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        error = "mark is not an object";
                        return false;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isName = reader.ValueTextEquals("name"u8);
                        reader.Read();
                        if (isName && reader.TokenType == JsonTokenType.String)
                        {
                            markName = reader.GetString();
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            error = "not JSON: " + ex.Message;
            return false;
        }

        switch (eventName)
        {
            case EventName.Media when sawPayload:
                kind = ServerMessageKind.Media;
                break;
            case EventName.Media:
                error = "media without payload";
                return false;
            case EventName.Mark when markName is not null:
                kind = ServerMessageKind.Mark;
                break;
            case EventName.Mark:
                error = "mark without name";
                return false;
            case EventName.Clear:
                kind = ServerMessageKind.Clear;
                break;
            case EventName.Missing:
                error = "no event";
                return false;
            default:
                error = "unknown event '" + otherEvent + "'";
                return false;
        }

        if (!streamSidMatches)
        {
            error = "missing or wrong streamSid";
            return false;
        }

        return true;
    }

    private enum EventName
    {
        Missing,
        Media,
        Mark,
        Clear,
        Other,
    }

    private static bool TryDecodePayload(ref Utf8JsonReader reader, Span<byte> payload, out int length)
    {
        length = 0;
        ReadOnlySpan<byte> encoded;
        byte[]? rented = null;
        try
        {
            if (reader.ValueIsEscaped || reader.HasValueSequence)
            {
                var max = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
                rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max);
                var copied = reader.CopyString(rented);
                encoded = rented.AsSpan(0, copied);
            }
            else
            {
                encoded = reader.ValueSpan;
            }

            if (Base64.GetMaxDecodedFromUtf8Length(encoded.Length) > payload.Length)
            {
                return false;
            }

            return Base64.DecodeFromUtf8(encoded, payload, out _, out length) == System.Buffers.OperationStatus.Done;
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
