using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PhoneBridge.Rtc.Stun;

namespace PhoneBridge.Rtc.Tests.Stun;

public class StunFuzzTests
{
    /// <summary>Every accessor on whatever parses must also be safe.</summary>
    private static bool Exercise(ReadOnlySpan<byte> data)
    {
        if (StunMessage.TryParse(data, out var message) != StunParseResult.Ok)
        {
            return true;
        }

        foreach (var attribute in message.GetAttributes())
        {
            _ = attribute.Value.Length;
        }

        message.TryGetXorAddress(StunAttributeType.XorMappedAddress, out _);
        message.TryGetXorAddress(StunAttributeType.XorPeerAddress, out _);
        message.TryGetAddress(StunAttributeType.MappedAddress, out _);
        message.TryGetString(StunAttributeType.Username, out _);
        message.TryGetErrorCode(out _, out _);
        message.TryGetUInt32(StunAttributeType.Priority, out _);
        message.TryGetUInt64(StunAttributeType.IceControlling, out _);
        message.VerifyFingerprint();
        message.VerifyMessageIntegrity("key"u8);
        message.FindUnknownComprehensionRequired([StunAttributeType.Username]);
        return true;
    }

    [Property(MaxTest = 2000)]
    public bool RandomBytes_NeverThrow(byte[] data) => Exercise(data ?? []);

    [Property(MaxTest = 2000)]
    public Property MutatedVectors_NeverThrow()
    {
        var vectors = new[] { Rfc5769Vectors.Request, Rfc5769Vectors.Ipv4Response, Rfc5769Vectors.Ipv6Response, Rfc5769Vectors.LongTermRequest };
        var gen =
            from v in Gen.Elements(vectors)
            from flips in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 200), Gen.Choose(0, 255)))
            from cut in Gen.Choose(0, 140)
            select (v, flips, cut);
        return Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (vector, flips, cut) = input;
            var copy = (byte[])vector.Clone();
            foreach (var (index, value) in flips)
            {
                copy[index % copy.Length] = (byte)value;
            }

            return Exercise(copy.AsSpan(0, Math.Min(copy.Length, cut == 0 ? copy.Length : cut)));
        });
    }
}
