using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using PhoneBridge.Rtc.Transport;

namespace PhoneBridge.Rtc.Tests.Transport;

public class DatagramReceiveThreadsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static DatagramReceiveThreads Threads =>
        DatagramReceiveThreads.Shared ?? throw new InvalidOperationException("The shared receive threads need Linux (epoll); the server and CI run on Linux.");

    [Fact]
    public async Task DatagramsArrive_WithTheSendersAddress_OnIpv4AndIpv6()
    {
        foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
        {
            using var receiver = Bind(address);
            using var sender = Bind(address);
            var sink = new RecordingSink();
            using (Threads.Next().Register(receiver, sink))
            {
                for (byte i = 1; i <= 3; i++)
                {
                    sender.SendTo(new byte[] { i, 42, 43 }, receiver.LocalEndPoint!);
                }

                for (byte i = 1; i <= 3; i++)
                {
                    var (from, data) = await sink.Datagrams.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
                    Assert.Equal(new byte[] { i, 42, 43 }, data);
                    Assert.Equal(sender.LocalEndPoint, from);
                }
            }
        }
    }

    [Fact]
    public async Task ABurstLargerThanOneWakeUp_IsDeliveredCompletely_AcrossManySockets()
    {
        const int sockets = 40;
        const int perSocket = 50;
        var receivers = Enumerable.Range(0, sockets).Select(_ => Bind(IPAddress.Loopback)).ToList();
        var sinks = receivers.Select(_ => new RecordingSink()).ToList();
        var registrations = receivers.Select((r, i) => Threads.Next().Register(r, sinks[i])).ToList();
        using var sender = Bind(IPAddress.Loopback);
        try
        {
            for (var n = 0; n < perSocket; n++)
            {
                foreach (var receiver in receivers)
                {
                    sender.SendTo(BitConverter.GetBytes(n), receiver.LocalEndPoint!);
                }
            }

            foreach (var sink in sinks)
            {
                for (var n = 0; n < perSocket; n++)
                {
                    var (_, data) = await sink.Datagrams.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
                    Assert.Equal(n, BitConverter.ToInt32(data));
                }
            }
        }
        finally
        {
            registrations.ForEach(r => r.Dispose());
            receivers.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public async Task AThrowingSink_IsReported_AndReceivingGoesOn()
    {
        using var receiver = Bind(IPAddress.Loopback);
        using var sender = Bind(IPAddress.Loopback);
        var sink = new RecordingSink { ThrowOnFirstByte = 0xEE };
        using var registration = Threads.Next().Register(receiver, sink);
        sender.SendTo(new byte[] { 0xEE, 1 }, receiver.LocalEndPoint!);
        sender.SendTo(new byte[] { 7 }, receiver.LocalEndPoint!);

        var (_, data) = await sink.Datagrams.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(new byte[] { 7 }, data);
        var failure = Assert.Single(sink.Failures);
        Assert.Equal(2, failure.Length);
        Assert.IsType<InvalidOperationException>(failure.Exception);
    }

    [Fact]
    public async Task ASinkWhoseFailureReportThrowsToo_DoesNotEndTheThread()
    {
        using var receiver = Bind(IPAddress.Loopback);
        using var sender = Bind(IPAddress.Loopback);
        var sink = new RecordingSink { ThrowOnFirstByte = 0xEE, ThrowFromFailureReport = true };
        using var registration = Threads.Next().Register(receiver, sink);
        sender.SendTo(new byte[] { 0xEE }, receiver.LocalEndPoint!);
        sender.SendTo(new byte[] { 5 }, receiver.LocalEndPoint!);

        var (_, data) = await sink.Datagrams.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(new byte[] { 5 }, data);
    }

    [Fact]
    public async Task AfterDispose_NothingIsDelivered_EvenToASocketThatReusesTheDescriptor()
    {
        var receiver = Bind(IPAddress.Loopback);
        using var sender = Bind(IPAddress.Loopback);
        var sink = new RecordingSink();
        var registration = Threads.Next().Register(receiver, sink);
        sender.SendTo(new byte[] { 1 }, receiver.LocalEndPoint!);
        await sink.Datagrams.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

        registration.Dispose();
        registration.Dispose();
        var oldEndPoint = receiver.LocalEndPoint!;
        receiver.Dispose();

        // The kernel hands out the lowest free descriptor, so this socket very likely gets the old number.
        using var next = Bind(IPAddress.Loopback);
        var nextSink = new RecordingSink();
        using var nextRegistration = Threads.Next().Register(next, nextSink);
        sender.SendTo(new byte[] { 2 }, oldEndPoint);
        sender.SendTo(new byte[] { 3 }, next.LocalEndPoint!);

        var (_, data) = await nextSink.Datagrams.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(new byte[] { 3 }, data);
        Assert.False(sink.Datagrams.Reader.TryRead(out _));
    }

    [Fact]
    public async Task ASinkMayDisposeItsRegistration_FromInsideTheCallback()
    {
        using var receiver = Bind(IPAddress.Loopback);
        using var sender = Bind(IPAddress.Loopback);
        var sink = new RecordingSink();
        var registration = Threads.Next().Register(receiver, sink);
        sink.OnEach = registration.Dispose;
        sender.SendTo(new byte[] { 1 }, receiver.LocalEndPoint!);
        sender.SendTo(new byte[] { 2 }, receiver.LocalEndPoint!);

        var (_, data) = await sink.Datagrams.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(new byte[] { 1 }, data);

        // The thread is still serving other sockets, and the disposed one gets nothing more.
        using var other = Bind(IPAddress.Loopback);
        var otherSink = new RecordingSink();
        using var otherRegistration = Threads.Next().Register(other, otherSink);
        sender.SendTo(new byte[] { 9 }, other.LocalEndPoint!);
        await otherSink.Datagrams.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        Assert.False(sink.Datagrams.Reader.TryRead(out _));
    }

    private static Socket Bind(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        socket.Blocking = false;
        return socket;
    }

    private sealed class RecordingSink : IDatagramSink
    {
        public Channel<(IPEndPoint From, byte[] Data)> Datagrams { get; } = Channel.CreateUnbounded<(IPEndPoint, byte[])>();

        public List<(Exception Exception, int Length)> Failures { get; } = [];

        public byte? ThrowOnFirstByte { get; init; }

        public Action? OnEach { get; set; }

        public bool ThrowFromFailureReport { get; init; }

        public void OnDatagram(SocketAddress from, ReadOnlySpan<byte> datagram)
        {
            if (datagram[0] == ThrowOnFirstByte)
            {
                throw new InvalidOperationException("bad datagram");
            }

            var endPoint = (IPEndPoint)new IPEndPoint(from.Family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0).Create(from);
            Datagrams.Writer.TryWrite((endPoint, datagram.ToArray()));
            OnEach?.Invoke();
        }

        public void OnDatagramFailed(Exception exception, int length)
        {
            lock (Failures)
            {
                Failures.Add((exception, length));
            }

            if (ThrowFromFailureReport)
            {
                throw new InvalidOperationException("the report failed too");
            }
        }

        public void OnReceiveFailed(SocketException exception) => Datagrams.Writer.TryComplete(exception);
    }
}
