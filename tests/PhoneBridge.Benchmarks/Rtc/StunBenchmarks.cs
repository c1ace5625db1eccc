using BenchmarkDotNet.Attributes;
using PhoneBridge.Rtc.Stun;

namespace PhoneBridge.Benchmarks.Rtc;

/// <summary>Cost of one ICE connectivity/consent check: build a request, then parse and authenticate it.</summary>
[MemoryDiagnoser]
public class StunBenchmarks
{
    private readonly byte[] _key = StunCredentials.ShortTermKey("VOkJxbRl1RmTxUk/WvJxBt");
    private readonly byte[] _buffer = new byte[256];
    private byte[] _request = [];

    [GlobalSetup]
    public void Setup() => _request = _buffer.AsSpan(0, Build()).ToArray();

    [Benchmark]
    public int BuildCheck() => Build();

    [Benchmark]
    public bool ParseAndAuthenticateCheck()
    {
        StunMessage.TryParse(_request, out var message);
        return message.VerifyFingerprint()
            && message.VerifyMessageIntegrity(_key)
            && message.TryGetUInt32(StunAttributeType.Priority, out _);
    }

    private int Build()
    {
        var writer = new StunMessageWriter(_buffer, StunMethod.Binding, StunClass.Request, new StunTransactionId(0x0102030405060708, 0x090a0b0c));
        writer.AddAttribute(StunAttributeType.Username, "evtj:h6vY"u8);
        writer.AddUInt32(StunAttributeType.Priority, 0x6e0001ff);
        writer.AddUInt64(StunAttributeType.IceControlling, 0x932ff9b151263b36);
        writer.AddFlag(StunAttributeType.UseCandidate);
        writer.AddMessageIntegrity(_key);
        writer.AddFingerprint();
        return writer.Length;
    }
}
