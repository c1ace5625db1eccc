using System.Text.Json;
using PhoneBridge.Twilio.Media;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// Twilio Media Streams text frames through <see cref="TwilioInboundMessage"/>, then the payload decode and start
/// handling of <c>TwilioMediaStream.Dispatch</c>, which catches <see cref="JsonException"/> only.
/// </summary>
internal static class TwilioMediaTarget
{
    private const int MaxMessageBytes = 64 * 1024; // TwilioMediaStreamOptions.MaxMessageBytes

    public static FuzzTarget Create()
    {
        var scratch = new byte[MaxMessageBytes];
        var pcm = new short[MaxMessageBytes];
        string payload = SeedText.MuLawFrameBase64();
        string sid = "MZ18ad3ab5a668481ce02b83e7395059f0";
        string call = "CA2c5a2bd0c0e0f6c74a5fc0db6f8b7c31";
        var seeds = SeedText.Utf8(
            """{"event":"connected","protocol":"Call","version":"1.0.0"}""",
            $$$"""{"event":"start","sequenceNumber":"1","start":{"accountSid":"AC3d5e4e5b0f4a2b6c7d8e9f0a1b2c3d4e","streamSid":"{{{sid}}}","callSid":"{{{call}}}","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1},"customParameters":{"callId":"c-1b2c3d","FirstName":"Jane"}},"streamSid":"{{{sid}}}"}""",
            $$$"""{"event":"media","sequenceNumber":"4","media":{"track":"inbound","chunk":"2","timestamp":"5","payload":"{{{payload}}}"},"streamSid":"{{{sid}}}"}""",
            $$$"""{"event":"media","sequenceNumber":"5","media":{"track":"inbound","chunk":"3","timestamp":"25","payload":"{{{payload.Replace("/", "\\/", StringComparison.Ordinal)}}}"},"streamSid":"{{{sid}}}"}""",
            $$$"""{"event":"dtmf","streamSid":"{{{sid}}}","sequenceNumber":"5","dtmf":{"track":"inbound_track","digit":"1"}}""",
            $$$"""{"event":"mark","sequenceNumber":"4","streamSid":"{{{sid}}}","mark":{"name":"my label"}}""",
            $$$"""{"event":"stop","sequenceNumber":"5","stop":{"accountSid":"AC3d5e4e5b0f4a2b6c7d8e9f0a1b2c3d4e","callSid":"{{{call}}}"},"streamSid":"{{{sid}}}"}""");
        return new FuzzTarget("twilio-media", "TwilioInboundMessage.Parse + payload decode", seeds, input => Run(input, scratch, pcm), MaxMessageBytes, Text: true);
    }

    private static void Run(ReadOnlySpan<byte> json, byte[] scratch, short[] pcm)
    {
        TwilioInboundMessage message;
        try
        {
            message = TwilioInboundMessage.Parse(json, scratch);
        }
        catch (JsonException)
        {
            return;
        }

        if (message.Event == TwilioMediaEvent.Media && message.HasPayload && message.InboundTrack)
        {
            _ = message.PayloadInScratch
                ? TwilioInboundMessage.TryDecodePayloadInPlace(scratch.AsSpan(0, message.Payload.Length), pcm, out _)
                : TwilioInboundMessage.TryDecodePayload(message.Payload, scratch, pcm, out _);
        }

        if (message.Start is { } start)
        {
            _ = System.Text.Encoding.UTF8.GetBytes(start.StreamId);
        }
    }
}
