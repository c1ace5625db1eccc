namespace PhoneBridge.Stream.Tests;

public class StreamPhoneIdentityTests
{
    [Fact]
    public void The_number_is_masked_unless_configured()
    {
        Assert.Equal("Phone ***4567", StreamPhoneIdentity.DisplayName("+15551234567", new StreamOptions()));
        Assert.Equal("+15551234567", StreamPhoneIdentity.DisplayName("+15551234567", new StreamOptions { ShowFullNumber = true }));
        Assert.Equal("Phone caller", StreamPhoneIdentity.DisplayName(null, new StreamOptions()));
    }
}
