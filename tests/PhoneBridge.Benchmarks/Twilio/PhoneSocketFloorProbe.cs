using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PhoneBridge.Rtc.Transport;

namespace PhoneBridge.Benchmarks.Twilio;

/// <summary>
/// The kernel's share of the phone path on this machine, with nothing of .NET's socket engine, Kestrel or WebSocket
/// in the way: N loopback TCP connections carry Twilio-sized media messages every 20 ms; one "server" thread waits on
/// a level-triggered epoll set and, per ready connection, does one <c>recv</c> and one <c>send</c> per message back —
/// the fewest system calls a bridge that echoes each frame can make. The server thread's own CPU time (user and
/// kernel, <c>getrusage(RUSAGE_THREAD)</c>) over the window, divided by calls × seconds, is the floor under the
/// server's CPU per call-second in the simulator's load mode, which is charged the same way (on loopback, each side's
/// <c>send</c> also does the receiving side's TCP work).
/// Usage: <c>dotnet run -c Release --project tests/PhoneBridge.Benchmarks -- socket-floor [calls=200] [seconds=20]</c>.
/// </summary>
public static partial class PhoneSocketFloorProbe
{
    /// <summary>A Twilio inbound media message (≈350 bytes of JSON with 216 base64 characters) in a masked frame.</summary>
    private const int InboundMessageBytes = 360;

    /// <summary>The bridge's outbound media message (streamSid, payload) in an unmasked frame.</summary>
    private const int OutboundMessageBytes = 304;

    private const int RusageThread = 1;
    private const int MsgNoSignal = 0x4000;

    public static async Task<int> RunAsync(string[] args)
    {
        if (!OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("socket-floor uses epoll and runs on Linux only.");
            return 2;
        }

        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;

        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(calls);
        var clients = new List<Socket>(calls);
        var accepted = new List<Socket>(calls);
        for (var i = 0; i < calls; i++)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await client.ConnectAsync(listener.LocalEndPoint!);
            var server = await listener.AcceptAsync();
            server.NoDelay = true;
            clients.Add(client);
            accepted.Add(server);
        }

        using var stop = new CancellationTokenSource();
        var warmUp = TimeSpan.FromSeconds(3);
        var window = TimeSpan.FromSeconds(seconds);
        var serverResult = new TaskCompletionSource<(double UserMs, double KernelMs, long Messages)>();
        var serverThread = new Thread(() => serverResult.SetResult(Serve(accepted, warmUp, window, stop.Token)))
        {
            IsBackground = true,
            Name = "socket-floor server",
        };
        long echoed = 0;
        var readerThread = new Thread(() => echoed = DrainEchoes(clients, stop.Token)) { IsBackground = true, Name = "socket-floor reader" };
        serverThread.Start();
        readerThread.Start();

        var sent = PaceCallers(clients, warmUp + window + TimeSpan.FromSeconds(1));
        var (userMs, kernelMs, messages) = await serverResult.Task;
        await stop.CancelAsync();
        readerThread.Join();
        foreach (var socket in clients.Concat(accepted))
        {
            socket.Dispose();
        }

        var callSeconds = calls * window.TotalSeconds;
        Console.WriteLine(FormattableString.Invariant(
            $"socket-floor: {calls} calls x {seconds} s, {InboundMessageBytes}-byte messages in and {OutboundMessageBytes}-byte messages out every 20 ms per call"));
        Console.WriteLine(FormattableString.Invariant(
            $"callers sent {sent} messages and read {echoed} replies (the server stops at the end of the window); in the window the server thread echoed {messages} ({messages / callSeconds:F1} per call-second)"));
        Console.WriteLine(FormattableString.Invariant(
            $"server thread: {(userMs + kernelMs) / callSeconds:F3} ms CPU per call-second ({kernelMs / callSeconds:F3} kernel + {userMs / callSeconds:F3} user); {(userMs + kernelMs) * 1000 / Math.Max(messages, 1):F2} µs per message in+out"));
        return 0;
    }

    /// <summary>Every caller sends one message per 20 ms slot, all calls from this thread, as the simulator does.</summary>
    private static long PaceCallers(List<Socket> clients, TimeSpan duration)
    {
        var message = new byte[InboundMessageBytes];
        message.AsSpan().Fill((byte)'x');
        var clock = Stopwatch.StartNew();
        var slot = TimeSpan.FromMilliseconds(20);
        long sent = 0;
        for (var next = TimeSpan.Zero; clock.Elapsed < duration; next += slot)
        {
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }

            foreach (var client in clients)
            {
                client.Send(message);
                sent++;
            }
        }

        return sent;
    }

    private static unsafe (double UserMs, double KernelMs, long Messages) Serve(List<Socket> connections, TimeSpan warmUp, TimeSpan window, CancellationToken ct)
    {
        var epoll = LinuxSocketNative.EpollCreate1(LinuxSocketNative.EpollCloexec);
        var pending = new int[connections.Count];
        for (var i = 0; i < connections.Count; i++)
        {
            Register(epoll, (int)connections[i].Handle, i);
        }

        var buffer = new byte[65536];
        var reply = new byte[OutboundMessageBytes * 8];
        var events = GC.AllocateArray<byte>(LinuxSocketNative.EpollEventSize * 64, pinned: true);
        var e = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(events));
        var clock = Stopwatch.StartNew();
        var measuring = false;
        (double User, double Kernel) start = default;
        long messages = 0;
        while (!ct.IsCancellationRequested)
        {
            if (!measuring && clock.Elapsed >= warmUp)
            {
                measuring = true;
                start = ThreadCpu();
                messages = 0;
            }
            else if (measuring && clock.Elapsed >= warmUp + window)
            {
                var end = ThreadCpu();
                return (end.User - start.User, end.Kernel - start.Kernel, messages);
            }

            var ready = LinuxSocketNative.EpollWait(epoll, e, 64, 100);

            for (var i = 0; i < ready; i++)
            {
                var index = (int)LinuxSocketNative.EpollEventData(e, i);
                var fd = (int)connections[index].Handle;
                nint read;
                fixed (byte* b = buffer)
                {
                    // One read per readiness report: level-triggered epoll reports the socket again if bytes remain.
                    read = LinuxSocketNative.RecvFrom(fd, b, (nuint)buffer.Length, LinuxSocketNative.MsgDontWait, null, null);
                }

                if (read <= 0)
                {
                    continue;
                }

                pending[index] += (int)read;
                var whole = Math.Min(pending[index] / InboundMessageBytes, 8);
                pending[index] -= whole * InboundMessageBytes;
                messages += whole;
                fixed (byte* r = reply)
                {
                    _ = Send(fd, r, (nuint)(whole * OutboundMessageBytes), LinuxSocketNative.MsgDontWait | MsgNoSignal);
                }
            }
        }

        return default;
    }

    private static unsafe long DrainEchoes(List<Socket> clients, CancellationToken ct)
    {
        var epoll = LinuxSocketNative.EpollCreate1(LinuxSocketNative.EpollCloexec);
        for (var i = 0; i < clients.Count; i++)
        {
            Register(epoll, (int)clients[i].Handle, i);
        }

        var buffer = new byte[65536];
        var events = GC.AllocateArray<byte>(LinuxSocketNative.EpollEventSize * 64, pinned: true);
        var e = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(events));
        long bytes = 0;
        while (!ct.IsCancellationRequested)
        {
            var ready = LinuxSocketNative.EpollWait(epoll, e, 64, 100);

            for (var i = 0; i < ready; i++)
            {
                var index = (int)LinuxSocketNative.EpollEventData(e, i);
                fixed (byte* b = buffer)
                {
                    var read = LinuxSocketNative.RecvFrom((int)clients[index].Handle, b, (nuint)buffer.Length, LinuxSocketNative.MsgDontWait, null, null);
                    bytes += Math.Max(read, 0);
                }
            }
        }

        return bytes / OutboundMessageBytes;
    }

    private static void Register(int epoll, int fd, int index)
    {
        if (!LinuxSocketNative.EpollAdd(epoll, fd, index))
        {
            throw new InvalidOperationException($"epoll_ctl failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static unsafe (double User, double Kernel) ThreadCpu()
    {
        var usage = stackalloc long[18];
        if (GetRusage(RusageThread, usage) != 0)
        {
            throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return ((usage[0] * 1000.0) + (usage[1] / 1000.0), (usage[2] * 1000.0) + (usage[3] / 1000.0));
    }

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static unsafe partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static unsafe partial int GetRusage(int who, long* usage);
}
