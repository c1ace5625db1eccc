using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static PhoneBridge.Rtc.Transport.LinuxSocketNative;

namespace PhoneBridge.Rtc.Transport;

/// <summary>One epoll set and the thread that waits on it; see <see cref="DatagramReceiveThreads"/>.</summary>
internal sealed unsafe partial class DatagramReceiveThread
{
    private const int MaxEvents = 64;

    /// <summary>Larger than any datagram the stack accepts (its own limits are smaller); excess is truncated by the kernel.</summary>
    private const int BufferSize = 4096;

    private readonly int _epoll;
    private readonly ConcurrentDictionary<long, DatagramRegistration> _registrations = new();
    private long _nextId;

    public DatagramReceiveThread(int index)
    {
        _epoll = EpollCreate1(EpollCloexec);
        if (_epoll < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        _wakeFd = CreateWakeFd(_epoll);
        TimeProvider = new ReceiveThreadTimeProvider(this);
        var thread = new Thread(Run) { IsBackground = true, Name = $"PhoneBridge RTC receive {index}" };
        thread.Start();
    }

    /// <summary>
    /// Starts receiving on <paramref name="socket"/> (bound, non-blocking, never used with .NET's async receive). The
    /// registration must be disposed before the socket.
    /// </summary>
    public DatagramRegistration Register(Socket socket, IDatagramSink sink)
    {
        var handle = socket.SafeHandle;
        var added = false;
        handle.DangerousAddRef(ref added);
        var id = Interlocked.Increment(ref _nextId);
        var registration = new DatagramRegistration(this, id, handle, socket.AddressFamily, sink);
        _registrations[id] = registration;
        if (!EpollAdd(_epoll, registration.Fd, id))
        {
            var error = Marshal.GetLastPInvokeError();
            _registrations.TryRemove(id, out _);
            handle.DangerousRelease();
            throw new SocketException(error);
        }

        return registration;
    }

    /// <summary>Called once per registration, under its gate, before the socket handle is released.</summary>
    internal void Remove(DatagramRegistration registration)
    {
        _ = EpollCtl(_epoll, EpollCtlDel, registration.Fd, null);
        _registrations.TryRemove(registration.Id, out _);
    }

    private void Run()
    {
        var events = GC.AllocateArray<byte>(MaxEvents * EpollEventSize, pinned: true);
        var buffer = GC.AllocateArray<byte>(BufferSize, pinned: true);
        var v4 = new SocketAddress(AddressFamily.InterNetwork);
        var v6 = new SocketAddress(AddressFamily.InterNetworkV6);
        fixed (byte* eventsPointer = events)
        fixed (byte* bufferPointer = buffer)
        {
            while (true)
            {
                var count = EpollWait(_epoll, eventsPointer, MaxEvents, NextTimeout());
                AwakeAfterWait();
                for (var i = 0; i < count; i++)
                {
                    var id = EpollEventData(eventsPointer, i);
                    if (id == WakeId)
                    {
                        ResetWakeFd();
                        continue;
                    }

                    if (!_registrations.TryGetValue(id, out var registration))
                    {
                        continue;
                    }

                    try
                    {
                        registration.Drain(bufferPointer, BufferSize, registration.Family == AddressFamily.InterNetworkV6 ? v6 : v4);
                    }
#pragma warning disable CA1031 // Sinks report their own failures; whatever still escapes must not end the thread (and the process).
                    catch (Exception)
#pragma warning restore CA1031
                    {
                    }
                }

                // A failed wait (EINTR is the only error a valid epoll descriptor and buffer can give) still runs
                // the timers that are due.
                RunDueTimers();
            }
        }
    }
}
