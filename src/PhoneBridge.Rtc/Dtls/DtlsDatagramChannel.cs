using System.Buffers;
using Org.BouncyCastle.Tls;

namespace PhoneBridge.Rtc.Dtls;

/// <summary>
/// BouncyCastle's synchronous <see cref="DatagramTransport"/> over a bounded queue of received datagrams.
/// <see cref="Receive(byte[], int, int, int)"/> blocks on a semaphore with BouncyCastle's retransmission timeout,
/// so waiting costs nothing and a retransmit fires exactly when due; the oldest datagram is dropped when full.
/// </summary>
internal sealed class DtlsDatagramChannel : DatagramTransport, IDisposable
{
    /// <summary>Largest DTLS datagram accepted from the network.</summary>
    public const int MaxDatagram = 2048;

    /// <summary>Outgoing records stay below typical path MTUs, TURN framing included (browsers use about 1200).</summary>
    public const int SendLimit = 1200;

    private const int Capacity = 64;

    private readonly Queue<(byte[] Buffer, int Length)> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> _send;
    private readonly CancellationToken _cancellation;
    private volatile bool _closed;

    public DtlsDatagramChannel(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send, CancellationToken cancellation)
    {
        _send = send;
        _cancellation = cancellation;
    }

    /// <summary>Counts datagrams dropped because the queue was full.</summary>
    public int Dropped { get; private set; }

    public bool HasPending
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count > 0;
            }
        }
    }

    public void Enqueue(ReadOnlySpan<byte> datagram)
    {
        if (_closed || datagram.IsEmpty || datagram.Length > MaxDatagram)
        {
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
        datagram.CopyTo(buffer);
        bool signal;
        lock (_queue)
        {
            if (_closed)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                return;
            }

            signal = _queue.Count < Capacity;
            if (!signal)
            {
                ArrayPool<byte>.Shared.Return(_queue.Dequeue().Buffer);
                Dropped++;
            }

            _queue.Enqueue((buffer, datagram.Length));
        }

        // The semaphore counts queued datagrams; replacing the oldest keeps the count unchanged.
        if (signal)
        {
            _available.Release();
        }
    }

    public int GetReceiveLimit() => MaxDatagram;

    public int GetSendLimit() => SendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    /// <remarks>
    /// A closed channel throws <see cref="IOException"/>, not <see cref="TlsTimeoutException"/>: BouncyCastle reads
    /// the latter as "nothing yet" and would call again at once, spinning until its handshake timeout.
    /// </remarks>
    public int Receive(Span<byte> buffer, int waitMillis)
    {
        if (_closed)
        {
            throw new IOException("The DTLS transport is closed.");
        }

        try
        {
            if (!_available.Wait(Math.Max(0, waitMillis), _cancellation))
            {
                return -1;
            }
        }
        catch (ObjectDisposedException)
        {
            throw new IOException("The DTLS transport is closed.");
        }

        (byte[] Buffer, int Length) item;
        lock (_queue)
        {
            if (_closed || _queue.Count == 0)
            {
                throw new IOException("The DTLS transport is closed.");
            }

            item = _queue.Dequeue();
        }

        int n = Math.Min(item.Length, buffer.Length);
        item.Buffer.AsSpan(0, n).CopyTo(buffer);
        ArrayPool<byte>.Shared.Return(item.Buffer);
        return n;
    }

    public void Send(byte[] buf, int off, int len) => SendCore(new ReadOnlyMemory<byte>(buf, off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        byte[] copy = ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            buffer.CopyTo(copy);
            SendCore(copy.AsMemory(0, buffer.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private void SendCore(ReadOnlyMemory<byte> datagram)
    {
        if (_closed)
        {
            return;
        }

        // BouncyCastle's API is synchronous; a UDP send completes at once, and this thread is the handshake's own.
        ValueTask pending = _send(datagram, _cancellation);
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }
    }

    public void Close()
    {
        _closed = true;
        lock (_queue)
        {
            while (_queue.Count > 0)
            {
                ArrayPool<byte>.Shared.Return(_queue.Dequeue().Buffer);
            }
        }

        // Wake a blocked Receive so the handshake thread ends now rather than at its next timeout.
        _available.Release();
    }

    public void Dispose()
    {
        Close();
    }
}
