using System.Runtime.CompilerServices;

namespace PhoneBridge.Rtc.Tests.Sdp;

/// <summary>Real SDPs captured from aiortc 1.4.0 and Chromium, and the Stream SFU sample offer.</summary>
internal static class SdpFixtures
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(Directory(), "Fixtures", name));

    private static string Directory([CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
