using System.Net;
using System.Text;
using PhoneBridge.Rtc.Stun;

namespace PhoneBridge.Rtc.Tests.Stun;

public class StunRfc5769Tests
{
    private static readonly byte[] ShortTermKey = StunCredentials.ShortTermKey(Rfc5769Vectors.ShortTermPassword);

    [Fact]
    public void SampleRequest_ParsesAndVerifies()
    {
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(Rfc5769Vectors.Request, out var message));
        Assert.Equal(StunMethod.Binding, message.Method);
        Assert.Equal(StunClass.Request, message.Class);
        Assert.True(message.VerifyMessageIntegrity(ShortTermKey));
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.TryGetString(StunAttributeType.Software, out var software));
        Assert.Equal("STUN test client", software);
        Assert.True(message.TryGetString(StunAttributeType.Username, out var username));
        Assert.Equal("evtj:h6vY", username);
        Assert.True(message.TryGetUInt32(StunAttributeType.Priority, out var priority));
        Assert.Equal(0x6e0001ffu, priority);
        Assert.True(message.TryGetUInt64(StunAttributeType.IceControlled, out var tieBreaker));
        Assert.Equal(0x932ff9b151263b36ul, tieBreaker);
        Assert.False(message.VerifyMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBT"u8));
    }

    [Fact]
    public void SampleRequest_IsRebuiltByteForByte()
    {
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(Rfc5769Vectors.Request, out var parsed));
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.Request, parsed.TransactionId) { PaddingByte = 0x20 };
        writer.AddString(StunAttributeType.Software, "STUN test client");
        writer.AddUInt32(StunAttributeType.Priority, 0x6e0001ff);
        writer.AddUInt64(StunAttributeType.IceControlled, 0x932ff9b151263b36);
        writer.AddString(StunAttributeType.Username, "evtj:h6vY");
        writer.AddMessageIntegrity(ShortTermKey);
        writer.AddFingerprint();
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.Request), Convert.ToHexString(buffer, 0, writer.Length));
    }

    [Theory]
    [InlineData(false, "192.0.2.1")]
    [InlineData(true, "2001:db8:1234:5678:11:2233:4455:6677")]
    public void SampleResponses_ParseVerifyAndRebuild(bool ipv6, string expectedAddress)
    {
        var vector = ipv6 ? Rfc5769Vectors.Ipv6Response : Rfc5769Vectors.Ipv4Response;
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(vector, out var message));
        Assert.Equal(StunClass.SuccessResponse, message.Class);
        Assert.Equal(StunMethod.Binding, message.Method);
        Assert.True(message.VerifyMessageIntegrity(ShortTermKey));
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.TryGetString(StunAttributeType.Software, out var software));
        Assert.Equal("test vector", software);
        Assert.True(message.TryGetXorAddress(StunAttributeType.XorMappedAddress, out var mapped));
        Assert.Equal(new IPEndPoint(IPAddress.Parse(expectedAddress), 32853), mapped);

        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.SuccessResponse, message.TransactionId) { PaddingByte = 0x20 };
        writer.AddString(StunAttributeType.Software, "test vector");
        writer.AddXorAddress(StunAttributeType.XorMappedAddress, mapped);
        writer.AddMessageIntegrity(ShortTermKey);
        writer.AddFingerprint();
        Assert.Equal(Convert.ToHexString(vector), Convert.ToHexString(buffer, 0, writer.Length));
    }

    [Fact]
    public void LongTermRequest_VerifiesWithSaslPreppedKeyAndRebuilds()
    {
        // The soft hyphen is "mapped to nothing"; the NFKC step (ª→a, Ⅸ→IX) needs ICU, which invariant-globalization
        // hosts lack, so the key is derived from the prepared form RFC 5769 states.
        Assert.Equal("TheMatrIX", StunCredentials.SaslPrep("The\u00ADMatrIX"));
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(Rfc5769Vectors.LongTermRequest, out var message));
        Assert.True(message.TryGetString(StunAttributeType.Username, out var username));
        Assert.Equal(Rfc5769Vectors.LongTermUsername, username);
        Assert.True(message.TryGetString(StunAttributeType.Realm, out var realm));
        Assert.Equal("example.org", realm);
        Assert.True(message.TryGetString(StunAttributeType.Nonce, out var nonce));
        Assert.Equal("f//499k954d6OL34oL9FSTvy64sA", nonce);
        Assert.False(message.HasFingerprint);

        var key = StunCredentials.LongTermKey(username, realm, "TheMatrIX");
        Assert.True(message.VerifyMessageIntegrity(key));
        Assert.False(message.VerifyMessageIntegrity(StunCredentials.LongTermKey(username, realm, "TheMatrix")));

        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.Request, message.TransactionId);
        writer.AddString(StunAttributeType.Username, username);
        writer.AddString(StunAttributeType.Nonce, nonce);
        writer.AddString(StunAttributeType.Realm, realm);
        writer.AddMessageIntegrity(key);
        Assert.Equal(Convert.ToHexString(Rfc5769Vectors.LongTermRequest), Convert.ToHexString(buffer, 0, writer.Length));
    }

    [Fact]
    public void LongTermKey_MatchesRfc8489Example()
    {
        Assert.Equal("8493fbc53ba582fb4c044c456bdc40eb", Convert.ToHexStringLower(StunCredentials.LongTermKey("user", "realm", "pass")));
    }

    [Fact]
    public void TamperedVector_FailsIntegrityAndFingerprint()
    {
        var copy = (byte[])Rfc5769Vectors.Request.Clone();
        copy[24] ^= 0x01; // first byte of the SOFTWARE value
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(copy, out var message));
        Assert.False(message.VerifyFingerprint());
        Assert.True(message.HasMessageIntegrity);
        Assert.False(message.VerifyMessageIntegrity(Encoding.UTF8.GetBytes(Rfc5769Vectors.ShortTermPassword)));
    }
}
