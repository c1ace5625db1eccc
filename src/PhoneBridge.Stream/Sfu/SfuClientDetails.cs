using System.Runtime.InteropServices;
using PhoneBridge.Stream.Sfu.Models;

namespace PhoneBridge.Stream.Sfu;

/// <summary>What we tell the SFU about ourselves. Deliberately not the Go SDK type, which gets a restricted codec list.</summary>
internal static class SfuClientDetails
{
    public static ClientDetails Create()
    {
        var version = typeof(SfuClientDetails).Assembly.GetName().Version ?? new Version(1, 0, 0);
        return new ClientDetails
        {
            Sdk = new Sdk
            {
                Type = SdkType.Unspecified,
                Major = version.Major.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Minor = version.Minor.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Patch = version.Build.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            Os = new OS
            {
                Name = RuntimeInformation.OSDescription,
                Architecture = RuntimeInformation.OSArchitecture.ToString(),
            },
            Device = new Device { Name = "PhoneBridge", Version = RuntimeInformation.FrameworkDescription },
        };
    }
}
