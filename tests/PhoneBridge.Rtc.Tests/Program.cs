using PhoneBridge.Rtc.Tests.Opus;

namespace PhoneBridge.Rtc.Tests;

/// <summary>
/// The test runner never calls this; <c>dotnet PhoneBridge.Rtc.Tests.dll &lt;check&gt;</c> runs one check in a fresh
/// process, for what one process cannot show (a codec with its native library missing).
/// </summary>
internal static class Program
{
    public static int Main(string[] args) =>
        args is [ManagedOpusWithoutLibopusTests.CheckName] ? ManagedOpusWithoutLibopusTests.RunCheck() : 2;
}
