using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;
using PhoneBridge.Dashboard.Live;

namespace PhoneBridge.Integration.Tests.Dashboard;

public sealed class CallRowTests
{
    [Theory]
    [InlineData(0f, 0)]
    [InlineData(0.0005f, 0)]
    [InlineData(0.001f, 0)]
    [InlineData(0.01f, 33)]
    [InlineData(0.1f, 67)]
    [InlineData(1f, 100)]
    public void Levels_are_shown_on_a_decibel_scale_from_minus_60_dbfs(float rms, int shown) => Assert.Equal(shown, CallRow.Level(rms));

    [Fact]
    public void A_row_masks_the_remote_number_and_a_change_names_only_what_changed()
    {
        var call = new LiveCall(Info(CallDirection.Inbound));
        var before = CallRow.Of(call, showFullNumber: false, "stream");
        Assert.Equal("***4567", before.Number);
        Assert.Equal("default:abc", before.Edge);
        Assert.Null(before.JitterMs);
        Assert.Equal("+15551234567", CallRow.Of(call, showFullNumber: true, "stream").Number);
        Assert.Equal("echo", CallRow.Of(call, showFullNumber: false, CallRow.EchoEdge).Edge);
        Assert.Equal("***9999", CallRow.Of(new LiveCall(Info(CallDirection.Outbound)), showFullNumber: false, "stream").Number);

        Assert.Null(CallRow.Of(call, showFullNumber: false, "stream").ChangesSince(before));
        call.Quality.SetJitter(12.345);
        call.Quality.SetLevelFromPhone(0.1f);
        var changes = CallRow.Of(call, showFullNumber: false, "stream").ChangesSince(before)!;
        Assert.Equal(["id", "jitterMs", "levelFromPhone"], changes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(12.3, changes["jitterMs"]);
        Assert.Equal(67, changes["levelFromPhone"]);
    }

    [Theory]
    [InlineData("transfer to +15551234567 refused", "transfer to ***4567 refused")]
    [InlineData("number (555) 123-4567 is busy", "number ***4567 is busy")]
    [InlineData("sip:alice@example.com did not answer", "sip:***@example.com did not answer")]
    [InlineData("joined the local edge in 1234 ms", "joined the local edge in 1234 ms")]
    [InlineData("key 5", "key 5")]
    public void Numbers_in_timeline_details_are_masked(string detail, string shown) => Assert.Equal(shown, CallPageResponse.MaskNumbers(detail));

    private static CallInfo Info(CallDirection direction) =>
        new("abc", "twilio", "CA1", "+15551234567", "+15559999999", DateTimeOffset.UnixEpoch, direction, new EdgeCallAddress("default", "abc"));
}
