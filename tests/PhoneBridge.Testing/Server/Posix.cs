using System.Runtime.InteropServices;

namespace PhoneBridge.Testing.Server;

internal static partial class Posix
{
    /// <summary>kill(2): sends a signal to a process.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
