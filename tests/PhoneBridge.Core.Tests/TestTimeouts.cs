namespace PhoneBridge.Core.Tests;

internal static class TestTimeouts
{
    /// <summary>Generous: the build box is shared and slow; passing tests never wait this long.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
}
