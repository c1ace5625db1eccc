using System.Net;
using PhoneBridge.Rtc.Stun;

namespace PhoneBridge.Rtc.Tests.Stun;

public class StunMessageTests
{
    [Theory]
    [InlineData(StunMethod.Binding, StunClass.Request, 0x0001)]
    [InlineData(StunMethod.Binding, StunClass.SuccessResponse, 0x0101)]
    [InlineData(StunMethod.Binding, StunClass.ErrorResponse, 0x0111)]
    [InlineData(StunMethod.Binding, StunClass.Indication, 0x0011)]
    [InlineData(StunMethod.Allocate, StunClass.Request, 0x0003)]
    [InlineData(StunMethod.Send, StunClass.Indication, 0x0016)]
    [InlineData(StunMethod.Data, StunClass.Indication, 0x0017)]
    [InlineData(StunMethod.ChannelBind, StunClass.SuccessResponse, 0x0109)]
    public void MessageType_EncodesMethodAndClass(StunMethod method, StunClass cls, int expectedType)
    {
        var buffer = new byte[20];
        var writer = new StunMessageWriter(buffer, method, cls, StunTransactionId.NewRandom());
        Assert.Equal(expectedType, (buffer[0] << 8) | buffer[1]);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(buffer.AsSpan(0, writer.Length), out var parsed));
        Assert.Equal(method, parsed.Method);
        Assert.Equal(cls, parsed.Class);
    }

    [Fact]
    public void ErrorCode_RoundTrips()
    {
        var buffer = new byte[128];
        var id = StunTransactionId.NewRandom();
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.ErrorResponse, id);
        writer.AddErrorCode(StunErrorCode.RoleConflict, "Role Conflict");
        writer.AddFingerprint();
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(buffer.AsSpan(0, writer.Length), out var parsed));
        Assert.Equal(id, parsed.TransactionId);
        Assert.True(parsed.TryGetErrorCode(out var code, out var reason));
        Assert.Equal(487, code);
        Assert.Equal("Role Conflict", reason);
        Assert.True(parsed.VerifyFingerprint());
    }

    [Fact]
    public void AttributesAfterMessageIntegrity_AreIgnoredExceptFingerprint()
    {
        var buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom());
        writer.AddMessageIntegrity("key"u8);
        writer.AddUInt32(StunAttributeType.Priority, 7);
        writer.AddFingerprint();
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(buffer.AsSpan(0, writer.Length), out var parsed));
        Assert.False(parsed.HasAttribute(StunAttributeType.Priority));
        Assert.True(parsed.VerifyFingerprint());
        Assert.True(parsed.VerifyMessageIntegrity("key"u8));
    }

    [Fact]
    public void XorPeerAddress_Ipv6RoundTrips()
    {
        var buffer = new byte[64];
        var endPoint = new IPEndPoint(IPAddress.Parse("::1"), 50000);
        var writer = new StunMessageWriter(buffer, StunMethod.Send, StunClass.Indication, StunTransactionId.NewRandom());
        writer.AddXorAddress(StunAttributeType.XorPeerAddress, endPoint);
        Assert.Equal(StunParseResult.Ok, StunMessage.TryParse(buffer.AsSpan(0, writer.Length), out var parsed));
        Assert.True(parsed.TryGetXorAddress(StunAttributeType.XorPeerAddress, out var decoded));
        Assert.Equal(endPoint, decoded);
    }

    [Theory]
    [InlineData("", StunParseResult.TooShort)]
    [InlineData("0001000021", StunParseResult.TooShort)]
    [InlineData("c00100002112a442000000000000000000000000", StunParseResult.NotStun)]
    [InlineData("000100002112a443000000000000000000000000", StunParseResult.BadMagicCookie)]
    [InlineData("000100042112a442000000000000000000000000", StunParseResult.LengthMismatch)]
    [InlineData("000100032112a44200000000000000000000000000000000", StunParseResult.LengthMismatch)]
    [InlineData("000100042112a4420000000000000000000000000006000800", StunParseResult.LengthMismatch)]
    [InlineData("000100042112a44200000000000000000000000000060008", StunParseResult.TruncatedAttribute)]
    [InlineData("000100082112a4420000000000000000000000008028000400000000", StunParseResult.Ok)]
    [InlineData("000100102112a44200000000000000000000000080280004000000000024000400000000", StunParseResult.AttributeAfterFingerprint)]
    [InlineData("000100082112a4420000000000000000000000008028000300000000", StunParseResult.TruncatedAttribute)]
    public void MalformedMessages_AreRejectedWithAReason(string hex, StunParseResult expected)
    {
        Assert.Equal(expected, StunMessage.TryParse(Convert.FromHexString(hex), out _));
    }

    [Fact]
    public void Writer_ThrowsClearErrorWhenBufferIsTooSmall()
    {
        var buffer = new byte[24];
        var ex = Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.Request, default);
            writer.AddUInt64(StunAttributeType.IceControlling, 1);
        });
        Assert.Contains("does not fit", ex.Message, StringComparison.Ordinal);
    }
}
