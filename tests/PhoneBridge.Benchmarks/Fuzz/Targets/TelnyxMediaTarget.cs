using System.Text.Json;
using PhoneBridge.Core.Audio;
using PhoneBridge.Core.Phone;
using PhoneBridge.Telnyx.Media;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// Telnyx media-streaming text frames through <see cref="TelnyxInboundMessage"/>, then what
/// <c>TelnyxMediaStream.Dispatch</c> does with them (catching <see cref="JsonException"/> only): format resolution,
/// payload decode and the chunk reorder buffer fed with the network's chunk numbers.
/// </summary>
internal static class TelnyxMediaTarget
{
    private const int MaxMessageBytes = 64 * 1024; // TelnyxMediaStreamOptions.MaxMessageBytes

    public static FuzzTarget Create()
    {
        var scratch = new byte[MaxMessageBytes];
        var decoded = new byte[MaxMessageBytes];
        var pcm = new short[MaxMessageBytes];
        var reorder = new ChunkReorderBuffer(3);
        var handler = new NullPhoneStreamHandler();
        string payload = SeedText.MuLawFrameBase64();
        string id = "32DE0DEA-53CB-4B21-89A4-9E1819C043BC";
        var seeds = SeedText.Utf8(
            """{"event":"connected","version":"1.0.0"}""",
            $$$"""{"event":"start","sequence_number":"1","start":{"user_id":"3e6f995f-85f7-4705-9741-53b116d28237","call_control_id":"v3:Kd4ZQ9Gx2vJ2aVjz7m_1zQ","call_session_id":"428c31b6-7af4-4bcb-b68e-5013ef9657c1","from":"+15551230000","to":"+15559870000","tags":["TAG1"],"client_state":"aGF2ZSBhIG5pY2UgZGF5ID1d","media_format":{"encoding":"PCMU","sample_rate":8000,"channels":1}},"stream_id":"{{{id}}}"}""",
            $$$"""{"event":"start","sequence_number":"1","start":{"call_control_id":"v3:abc","media_format":{"encoding":"L16","sample_rate":16000,"channels":1}},"stream_id":"{{{id}}}"}""",
            $$$"""{"event":"media","sequence_number":"4","media":{"track":"inbound","chunk":"2","timestamp":"5","payload":"{{{payload}}}"},"stream_id":"{{{id}}}"}""",
            $$$"""{"event":"media","sequence_number":"5","media":{"track":"inbound","chunk":3,"timestamp":"25","payload":"{{{payload.Replace("/", "\\/", StringComparison.Ordinal)}}}"},"stream_id":"{{{id}}}"}""",
            $$$"""{"event":"dtmf","stream_id":"{{{id}}}","occurred_at":"2025-06-05T08:54:19.698408Z","sequence_number":"5","dtmf":{"digit":"1"}}""",
            $$$"""{"event":"mark","stream_id":"{{{id}}}","sequence_number":"5","mark":{"name":"some_mark_name"}}""",
            $$$"""{"event":"error","payload":{"code":100003,"title":"malformed_frame","detail":"The frame was not valid JSON"},"stream_id":"{{{id}}}"}""",
            $$$"""{"event":"stop","sequence_number":"5","stop":{"user_id":"3e6f995f-85f7-4705-9741-53b116d28237","call_control_id":"v3:abc"},"stream_id":"{{{id}}}"}""");
        return new FuzzTarget("telnyx-media", "TelnyxInboundMessage.Parse + format, decode, reorder", seeds,
            input => Run(input, scratch, decoded, pcm, reorder, handler), MaxMessageBytes, Text: true);
    }

    private static void Run(ReadOnlySpan<byte> json, byte[] scratch, byte[] decoded, short[] pcm, ChunkReorderBuffer reorder, NullPhoneStreamHandler handler)
    {
        TelnyxInboundMessage message;
        try
        {
            message = TelnyxInboundMessage.Parse(json, scratch);
        }
        catch (JsonException)
        {
            return;
        }

        var format = PhoneAudioFormat.MuLaw8k;
        if (message.Event == TelnyxMediaEvent.Start)
        {
            _ = message.StreamId;
            if (TelnyxMediaFormats.TryResolve(message.Encoding, message.SampleRate, message.Channels, out var resolved, out _))
            {
                format = resolved;
            }
        }

        if (message.HasPayload && message.InboundTrack && message.TryDecodePayload(decoded, out var bytes)
            && !(format.Encoding == PhoneEncoding.L16 && (bytes & 1) != 0))
        {
            var samples = PhoneCodec.Decode(format.Encoding, decoded.AsSpan(0, bytes), pcm);
            if (samples > 0)
            {
                reorder.Push(message.Chunk, pcm.AsSpan(0, samples), handler);
            }
        }
    }
}
