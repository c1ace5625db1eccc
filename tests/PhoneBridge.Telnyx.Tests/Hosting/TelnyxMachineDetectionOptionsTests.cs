namespace PhoneBridge.Telnyx.Tests.Hosting;

/// <summary><c>Telnyx:MachineDetection</c> is checked at start with the rest of the section.</summary>
public sealed class TelnyxMachineDetectionOptionsTests
{
    private static TelnyxOptions Options(TelnyxMachineDetection detection) => new()
    {
        ApiKey = "KEY_x",
        PublicKey = Convert.ToBase64String(new byte[32]),
        MachineDetection = detection,
    };

    [Theory]
    [InlineData(TelnyxMachineDetection.Detect)]
    [InlineData(TelnyxMachineDetection.Premium)]
    public void DetectAndPremiumAreValid(TelnyxMachineDetection detection) =>
        Assert.True(new TelnyxOptionsValidator().Validate(null, Options(detection)).Succeeded);

    [Fact]
    public void AnyOtherValueFailsWithTheSettingsName()
    {
        var result = new TelnyxOptionsValidator().Validate(null, Options((TelnyxMachineDetection)7));

        Assert.True(result.Failed);
        Assert.Contains("Telnyx:MachineDetection", result.FailureMessage, StringComparison.Ordinal);
    }
}
