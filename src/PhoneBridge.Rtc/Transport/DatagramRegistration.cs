using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static PhoneBridge.Rtc.Transport.LinuxSocketNative;

namespace PhoneBridge.Rtc.Transport;

/// <summary>
/// One socket on a <see cref="DatagramReceiveThread"/>. It holds a reference on the socket's handle, so the descriptor
/// cannot be closed (and reused by another socket) while the thread may still read it.
/// </summary>
internal sealed unsafe class DatagramRegistration : IDisposable
{
    /// <summary>ICMP errors for earlier sends arrive one per datagram; this many in a row means the socket is unusable.</summary>
    private const int MaxTransientErrors = 1000;

    private readonly DatagramReceiveThread _thread;
    private readonly SafeHandle _handle;
    private readonly IDatagramSink _sink;
    private readonly int _addressCapacity;
    private readonly Lock _gate = new();
    private bool _closed;
    private int _transientErrors;

    internal DatagramRegistration(DatagramReceiveThread thread, long id, SafeHandle handle, AddressFamily family, IDatagramSink sink)
    {
        _thread = thread;
        _handle = handle;
        _sink = sink;
        Id = id;
        Family = family;
        _addressCapacity = SocketAddress.GetMaximumAddressSize(family);
        Fd = (int)handle.DangerousGetHandle();
    }

    internal long Id { get; }

    internal int Fd { get; }

    internal AddressFamily Family { get; }

    /// <summary>Stops receiving; once it returns the sink is not called again (unless the caller is the sink itself, mid-call).</summary>
    public void Dispose() => Close(null);

    /// <summary>
    /// Reads one datagram and hands it to the sink. One per readiness event: a media socket rarely holds more than
    /// one packet, and reading until EAGAIN would cost a second system call per packet; the registration is
    /// level-triggered, so anything left makes the next epoll_wait return at once, with every other ready socket.
    /// </summary>
    internal void Drain(byte* buffer, int length, SocketAddress from)
    {
        SocketException failure;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            from.Size = _addressCapacity;
            var addressLength = (uint)_addressCapacity;
            nint received;
            fixed (byte* address = from.Buffer.Span)
            {
                received = RecvFrom(Fd, buffer, (nuint)length, MsgDontWait, address, &addressLength);
            }

            if (received >= 0)
            {
                _transientErrors = 0;
                from.Size = (int)addressLength;
                try
                {
                    _sink.OnDatagram(from, new ReadOnlySpan<byte>(buffer, (int)received));
                }
#pragma warning disable CA1031 // One bad datagram must not end receiving for every socket on this thread.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    ReportFailed(ex, (int)received);
                }

                return;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error is EAgain or EIntr || (error is EConnRefused or EHostUnreach or ENetUnreach or EMsgSize && ++_transientErrors <= MaxTransientErrors))
            {
                return;
            }

            failure = new SocketException(error);
        }

        Close(failure);
    }

    /// <summary>An exception escaping here would end the thread, and with it the process.</summary>
    private void ReportFailed(Exception exception, int length)
    {
        try
        {
            _sink.OnDatagramFailed(exception, length);
        }
#pragma warning disable CA1031 // Reporting (logging) failed too; nothing is left to tell.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void Close(SocketException? failure)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _thread.Remove(this);
            _handle.DangerousRelease();
        }

        if (failure is not null)
        {
            _sink.OnReceiveFailed(failure);
        }
    }
}
