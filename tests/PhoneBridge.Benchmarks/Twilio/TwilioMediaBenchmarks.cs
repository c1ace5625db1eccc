using System.Text;
using BenchmarkDotNet.Attributes;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;
using PhoneBridge.Twilio.Media;

namespace PhoneBridge.Benchmarks.Twilio;

/// <summary>
/// The per-frame work of a Twilio media socket, without the socket: one inbound <c>media</c> message
/// (20 ms, 160 μ-law bytes = 216 base64 characters) to PCM16, and 20 ms of PCM16 to an outbound <c>media</c> message.
/// </summary>
[MemoryDiagnoser]
public class TwilioMediaBenchmarks
{
    private readonly byte[] _scratch = new byte[4096];
    private readonly short[] _pcmOut = new short[4096];
    private readonly short[] _pcmIn = new short[160];
    private readonly byte[] _mulaw = new byte[160];
    private readonly byte[] _streamSid = "MZ18ad3ab5a668481ce02b83e7395059f0"u8.ToArray();
    private TwilioOutboundWriter _writer = null!;
    private byte[] _inbound = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var codes = new byte[160];
        random.NextBytes(codes);
        var payload = Convert.ToBase64String(codes);
        _inbound = Encoding.UTF8.GetBytes(
            $$$"""{"event":"media","sequenceNumber":"4","media":{"track":"inbound","chunk":"2","timestamp":"40","payload":"{{{payload}}}"},"streamSid":"MZ18ad3ab5a668481ce02b83e7395059f0"}""");
        for (var i = 0; i < _pcmIn.Length; i++)
        {
            _pcmIn[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        }

        _writer = new TwilioOutboundWriter();
    }

    [GlobalCleanup]
    public void Cleanup() => _writer.Dispose();

    /// <summary>Utf8JsonReader over the receive buffer, base64 and μ-law decode into pooled spans.</summary>
    [Benchmark]
    public int ParseInboundMediaToPcm()
    {
        var message = TwilioInboundMessage.Parse(_inbound, _scratch);
        TwilioInboundMessage.TryDecodePayload(message.Payload, _scratch, _pcmOut, out var samples);
        return samples;
    }

    /// <summary>μ-law encode and Utf8JsonWriter (base64 included) into the writer's reused buffer.</summary>
    [Benchmark]
    public int EncodePcmToOutboundMedia()
    {
        G711.MuLawEncode(_pcmIn, _mulaw);
        return _writer.WriteMedia(_streamSid, _mulaw).Length;
    }
}
