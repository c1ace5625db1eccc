using PhoneBridge.Core.Calls;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary>What the management API accepts as a destination, DTMF digits and Stream names.</summary>
public sealed class CallInputTests
{
    [Theory]
    [InlineData("+15551234567", true)]
    [InlineData("+12", true)]
    [InlineData("+123456789012345", true)]
    [InlineData("+1234567890123456", false)]
    [InlineData("+1", false)]
    [InlineData("+0123456", false)]
    [InlineData("15551234567", false)]
    [InlineData("+1555 123 4567", false)]
    [InlineData("+15551234567\n", false)]
    [InlineData("sip:alice@example.com", true)]
    [InlineData("SIP:alice@example.com:5060;transport=tls", true)]
    [InlineData("sip:+15551234567@sip.telnyx.com", true)]
    [InlineData("sip:alice@127.0.0.1", true)]
    [InlineData("sip:alice", false)]
    [InlineData("sip:@example.com", false)]
    [InlineData("sip:al ice@example.com", false)]
    [InlineData("sip:alice@exa<mple.com", false)]
    [InlineData("sip:a\"b@example.com", false)]
    [InlineData("sips:alice@example.com", false)]
    [InlineData("client:alice", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Destinations_are_e164_or_sip(string? value, bool valid) => Assert.Equal(valid, CallInput.IsDestination(value));

    [Fact]
    public void A_very_long_sip_address_is_refused() =>
        Assert.False(CallInput.IsDestination("sip:" + new string('a', 300) + "@example.com"));

    [Theory]
    [InlineData("0123456789*#ABCD", true)]
    [InlineData("1", true)]
    [InlineData("", false)]
    [InlineData("abcd", false)]
    [InlineData("1 2", false)]
    [InlineData("1,2", false)]
    [InlineData("E", false)]
    [InlineData("1\n", false)]
    [InlineData(null, false)]
    public void Dtmf_is_q23_keys(string? digits, bool valid) => Assert.Equal(valid, CallInput.IsDtmf(digits));

    [Fact]
    public void Dtmf_is_at_most_64_digits()
    {
        Assert.True(CallInput.IsDtmf(new string('5', 64)));
        Assert.False(CallInput.IsDtmf(new string('5', 65)));
    }

    [Theory]
    [InlineData("default", "call-1", true)]
    [InlineData("audio_room", "Abc_09-x", true)]
    [InlineData("Default", "call-1", false)]
    [InlineData("default", "call 1", false)]
    [InlineData("default", "call.1", false)]
    [InlineData("", "call-1", false)]
    public void Stream_names_follow_streams_rules(string type, string id, bool valid) =>
        Assert.Equal(valid, CallInput.IsStreamCallType(type) && CallInput.IsStreamCallId(id));
}
