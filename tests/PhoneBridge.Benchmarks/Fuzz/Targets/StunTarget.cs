using System.Net;
using System.Text;
using PhoneBridge.Rtc.Stun;
using PhoneBridge.Rtc.Tests.Stun;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// STUN (RFC 5389/8489) through <see cref="StunMessage.TryParse"/> and every accessor the ICE agent uses on what
/// parses. The receive path catches nothing: the parser answers with a result code.
/// </summary>
internal static class StunTarget
{
    public static FuzzTarget Create()
    {
        var key = Encoding.UTF8.GetBytes(Rfc5769Vectors.ShortTermPassword);
        var seeds = new List<byte[]>
        {
            Rfc5769Vectors.Request, Rfc5769Vectors.Ipv4Response, Rfc5769Vectors.Ipv6Response, Rfc5769Vectors.LongTermRequest,
        };
        seeds.AddRange(IceMessages(key));
        return new FuzzTarget("stun", "StunMessage.TryParse + attribute accessors", seeds, input => Exercise(input, key), 2048, Text: false);
    }

    /// <summary>What the ICE agent sends and receives: a connectivity check and its answers, built by our writer.</summary>
    private static IEnumerable<byte[]> IceMessages(byte[] key)
    {
        var buffer = new byte[512];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom());
        writer.AddString(StunAttributeType.Username, "a8Zk:Yq3w");
        writer.AddUInt32(StunAttributeType.Priority, 1853824767);
        writer.AddUInt64(StunAttributeType.IceControlling, 0x1234_5678_9ABC_DEF0);
        writer.AddFlag(StunAttributeType.UseCandidate);
        writer.AddMessageIntegrity(key);
        writer.AddFingerprint();
        yield return buffer.AsSpan(0, writer.Length).ToArray();

        writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.SuccessResponse, StunTransactionId.NewRandom());
        writer.AddXorAddress(StunAttributeType.XorMappedAddress, new IPEndPoint(IPAddress.Parse("2001:db8::1"), 50000));
        writer.AddMessageIntegrity(key);
        writer.AddFingerprint();
        yield return buffer.AsSpan(0, writer.Length).ToArray();

        writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.ErrorResponse, StunTransactionId.NewRandom());
        writer.AddErrorCode(487, "Role Conflict");
        writer.AddAddress(StunAttributeType.MappedAddress, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 3478));
        writer.AddFingerprint();
        yield return buffer.AsSpan(0, writer.Length).ToArray();
    }

    internal static void Exercise(ReadOnlySpan<byte> data, ReadOnlySpan<byte> key)
    {
        _ = StunMessage.IsStun(data);
        if (StunMessage.TryParse(data, out var message) != StunParseResult.Ok)
        {
            return;
        }

        foreach (var attribute in message.GetAttributes())
        {
            _ = attribute.Value.Length;
        }

        message.TryGetXorAddress(StunAttributeType.XorMappedAddress, out _);
        message.TryGetAddress(StunAttributeType.MappedAddress, out _);
        message.TryGetString(StunAttributeType.Username, out _);
        message.TryGetString(StunAttributeType.Software, out _);
        message.TryGetErrorCode(out _, out _);
        message.TryGetUInt32(StunAttributeType.Priority, out _);
        message.TryGetUInt64(StunAttributeType.IceControlling, out _);
        message.TryGetUInt64(StunAttributeType.IceControlled, out _);
        _ = message.HasAttribute(StunAttributeType.UseCandidate);
        message.VerifyFingerprint();
        message.VerifyMessageIntegrity(key);
        message.FindUnknownComprehensionRequired([StunAttributeType.Username, StunAttributeType.Priority, StunAttributeType.UseCandidate]);
    }
}
