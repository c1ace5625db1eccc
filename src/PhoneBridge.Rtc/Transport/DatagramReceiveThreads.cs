using System.Net.Sockets;

namespace PhoneBridge.Rtc.Transport;

/// <summary>
/// A few process-wide threads that wait on every registered UDP socket with epoll and run each datagram's whole
/// receive path (demux, unprotect, jitter buffer, decode) inline. Per-socket async receive loops cost a socket-engine
/// dispatch plus a thread-pool wake-up (and the pool's idle spinning) for every 20 ms packet; here a burst of packets
/// arriving on many connections in the same tick costs one wake-up. Linux only; elsewhere <see cref="Shared"/> is null
/// and callers keep their async loops.
/// </summary>
internal sealed class DatagramReceiveThreads
{
    private static readonly Lazy<DatagramReceiveThreads?> SharedInstance = new(Create);

    private readonly DatagramReceiveThread[] _threads;
    private int _next = -1;

    private DatagramReceiveThreads(int count)
    {
        _threads = new DatagramReceiveThread[count];
        for (var i = 0; i < count; i++)
        {
            _threads[i] = new DatagramReceiveThread(i);
        }
    }

    /// <summary>The process's receive threads, or null where epoll is not available.</summary>
    public static DatagramReceiveThreads? Shared => SharedInstance.Value;

    /// <summary>The thread for a new connection, round robin; its sockets and timers should all go to it.</summary>
    public DatagramReceiveThread Next() => _threads[(int)((uint)Interlocked.Increment(ref _next) % (uint)_threads.Length)];

    private static DatagramReceiveThreads? Create()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // A thread decodes about a thousand 20 ms streams before it saturates a core; a quarter of the cores leaves
        // the rest to the phone side and the encoders.
        try
        {
            return new DatagramReceiveThreads(Math.Clamp(Environment.ProcessorCount / 4, 1, 4));
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or SocketException)
        {
            return null;
        }
    }
}
