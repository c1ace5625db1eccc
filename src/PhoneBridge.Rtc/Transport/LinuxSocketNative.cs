using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PhoneBridge.Rtc.Transport;

/// <summary>
/// The few libc calls the shared receive thread needs (and an eventfd to wake it when a timer moves earlier). .NET's
/// socket engine has its own epoll, but every completion it delivers costs a thread-pool hand-off; waiting on our own
/// epoll set lets one thread receive and process inline.
/// </summary>
internal static unsafe partial class LinuxSocketNative
{
    private const string Libc = "libc";

    internal const int EpollCloexec = 0x80000;
    internal const int EpollCtlAdd = 1;
    internal const int EpollCtlDel = 2;
    internal const uint EpollIn = 0x001;
    internal const int MsgDontWait = 0x40;
    internal const int EfdCloexec = 0x80000;
    internal const int EfdNonBlock = 0x800;

    internal const int EIntr = 4;
    internal const int EAgain = 11;
    internal const int EMsgSize = 90;
    internal const int ENetUnreach = 101;
    internal const int EConnRefused = 111;
    internal const int EHostUnreach = 113;

    /// <summary>struct epoll_event is packed on x86-64 (12 bytes) and naturally aligned elsewhere (16 bytes).</summary>
    internal static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    internal static readonly int EpollEventDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    /// <summary>Adds <paramref name="fd"/> to the set, level-triggered for input, tagged with <paramref name="data"/>; false on failure (errno in the last P/Invoke error).</summary>
    internal static bool EpollAdd(int epoll, int fd, long data)
    {
        var epollEvent = stackalloc byte[16];
        new Span<byte>(epollEvent, 16).Clear();
        *(uint*)epollEvent = EpollIn;
        Unsafe.WriteUnaligned(epollEvent + EpollEventDataOffset, data);
        return EpollCtl(epoll, EpollCtlAdd, fd, epollEvent) == 0;
    }

    /// <summary>The data tag of the <paramref name="index"/>th event <see cref="EpollWait"/> returned.</summary>
    internal static long EpollEventData(byte* events, int index) =>
        Unsafe.ReadUnaligned<long>(events + (index * EpollEventSize) + EpollEventDataOffset);

    [LibraryImport(Libc, EntryPoint = "epoll_create1", SetLastError = true)]
    internal static partial int EpollCreate1(int flags);

    [LibraryImport(Libc, EntryPoint = "epoll_ctl", SetLastError = true)]
    internal static partial int EpollCtl(int epfd, int op, int fd, byte* epollEvent);

    [LibraryImport(Libc, EntryPoint = "epoll_wait", SetLastError = true)]
    internal static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport(Libc, EntryPoint = "eventfd", SetLastError = true)]
    internal static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, byte* buffer, nuint length);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, byte* buffer, nuint length);

    [LibraryImport(Libc, EntryPoint = "recvfrom", SetLastError = true)]
    internal static partial nint RecvFrom(int fd, byte* buffer, nuint length, int flags, byte* address, uint* addressLength);
}
