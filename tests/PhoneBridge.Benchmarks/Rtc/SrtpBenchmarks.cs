using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using PhoneBridge.Rtc.Srtp;

namespace PhoneBridge.Benchmarks.Rtc;

/// <summary>
/// Per-packet SRTP cost for a 20 ms audio packet (12-byte header + 160-byte payload), both profiles. Each call uses
/// the next sequence number, as a live stream does, so the ROC and replay bookkeeping are part of the measurement.
/// </summary>
[MemoryDiagnoser]
public class SrtpBenchmarks
{
    private const int PlainLength = 12 + 160;

    private readonly byte[] _packet = new byte[PlainLength + SrtpProfileInfo.MaxOverhead];
    private readonly byte[] _plain = new byte[PlainLength];
    private SrtpSession _sender = null!;
    private SrtpSession _receiver = null!;
    private ushort _seq;

    [Params(SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AeadAes128Gcm)]
    public SrtpProfile Profile { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] material = new byte[SrtpKeyingMaterial.ExporterLength(Profile)];
        new Random(1).NextBytes(material);
        var keys = SrtpKeyingMaterial.FromExporterOutput(Profile, material);
        _sender = SrtpSession.Create(keys, isClient: true);
        _receiver = SrtpSession.Create(keys, isClient: false);
        new Random(2).NextBytes(_plain);
        _plain[0] = 0x80;
        _plain[1] = 111;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    [Benchmark]
    public int Protect()
    {
        _plain.CopyTo(_packet, 0);
        BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), _seq++);
        return _sender.ProtectRtp(_packet, PlainLength);
    }

    [Benchmark]
    public int ProtectThenUnprotect()
    {
        _plain.CopyTo(_packet, 0);
        BinaryPrimitives.WriteUInt16BigEndian(_packet.AsSpan(2), _seq++);
        int length = _sender.ProtectRtp(_packet, PlainLength);
        _receiver.TryUnprotectRtp(_packet, length, out int plain);
        return plain;
    }
}
