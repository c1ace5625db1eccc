using System.Runtime.InteropServices;
using PhoneBridge.Audio;
using PhoneBridge.Core.Audio;

namespace PhoneBridge.Simulator.Measurement;

/// <summary>
/// Measures round-trip latency through an echo: remembers when each 160-byte μ-law frame was sent,
/// keyed by a hash of its content, and when the same content comes back records the delay.
/// Returned audio need not arrive in 160-byte chunks: bytes are re-framed here, and the frame grid is
/// re-found if the far end shifted it. Not thread-safe: one sender and one receiver under the caller's lock.
/// </summary>
public sealed class FrameMatcher : IEchoMatcher
{
    public const int FrameBytes = 8000 / AudioFrame.PerSecond;

    // μ-law has two codes for zero (0x7F, 0xFF); a decode/encode round trip keeps only 0xFF. Hash the
    // code that survives the trip so that an echo through PCM still matches.
    private static readonly byte[] Canonical = BuildCanonical();

    private readonly Dictionary<ulong, Queue<long>> _pending = [];
    private readonly Stack<Queue<long>> _spareQueues = new();
    private readonly byte[] _received = new byte[FrameBytes * 3];
    private readonly TimeProvider _time;
    private int _receivedCount;

    public FrameMatcher(TimeProvider time) => _time = time ?? throw new ArgumentNullException(nameof(time));

    public LatencySamples Latencies { get; } = new();

    public long FramesSent { get; private set; }

    /// <summary>Returned frames that matched a sent one.</summary>
    public long FramesMatched { get; private set; }

    /// <summary>Returned bytes that matched nothing we sent (e.g. silence the far end generated).</summary>
    public long UnmatchedBytes { get; private set; }

    /// <summary>Sent frames still waiting for their echo.</summary>
    public long FramesPending => FramesSent - FramesMatched;

    public void OnSent(ReadOnlySpan<byte> frame, long timestamp)
    {
        var key = Hash(frame);
        ref var queue = ref CollectionsMarshal.GetValueRefOrAddDefault(_pending, key, out _);
        queue ??= _spareQueues.TryPop(out var spare) ? spare : new Queue<long>(2);
        queue.Enqueue(timestamp);
        FramesSent++;
    }

    public void OnReceived(ReadOnlySpan<byte> audio)
    {
        var now = _time.GetTimestamp();
        while (!audio.IsEmpty)
        {
            var take = Math.Min(audio.Length, _received.Length - _receivedCount);
            audio[..take].CopyTo(_received.AsSpan(_receivedCount));
            _receivedCount += take;
            audio = audio[take..];
            Drain(now, final: false);
        }
    }

    /// <summary>Counts whatever is left in the re-framing buffer as unmatched (end of call).</summary>
    public void Flush()
    {
        Drain(_time.GetTimestamp(), final: true);
        UnmatchedBytes += _receivedCount;
        _receivedCount = 0;
    }

    private void Drain(long now, bool final)
    {
        while (_receivedCount >= FrameBytes)
        {
            if (TryMatch(_received.AsSpan(0, FrameBytes), now))
            {
                Consume(FrameBytes, matched: true);
                continue;
            }

            if (_receivedCount < 2 * FrameBytes && !final)
            {
                return; // wait for enough bytes to look for a shifted frame grid
            }

            var shift = 0;
            for (var offset = 1; offset < FrameBytes && offset + FrameBytes <= _receivedCount; offset++)
            {
                if (TryMatch(_received.AsSpan(offset, FrameBytes), now))
                {
                    shift = offset;
                    break;
                }
            }

            if (shift > 0)
            {
                Consume(shift, matched: false);
                Consume(FrameBytes, matched: true);
            }
            else
            {
                Consume(FrameBytes, matched: false);
            }
        }
    }

    private bool TryMatch(ReadOnlySpan<byte> frame, long now)
    {
        var key = Hash(frame);
        if (!_pending.TryGetValue(key, out var queue))
        {
            return false;
        }

        var sentAt = queue.Dequeue();
        if (queue.Count == 0)
        {
            _pending.Remove(key);
            _spareQueues.Push(queue);
        }

        Latencies.Add(_time.GetElapsedTime(sentAt, now));
        FramesMatched++;
        return true;
    }

    private void Consume(int count, bool matched)
    {
        if (!matched)
        {
            UnmatchedBytes += count;
        }

        _received.AsSpan(count, _receivedCount - count).CopyTo(_received);
        _receivedCount -= count;
    }

    /// <summary>64-bit FNV-1a over the canonical μ-law codes.</summary>
    internal static ulong Hash(ReadOnlySpan<byte> frame)
    {
        const ulong Offset = 14695981039346656037, Prime = 1099511628211;
        var hash = Offset;
        var canonical = Canonical;
        foreach (var b in frame)
        {
            hash = (hash ^ canonical[b]) * Prime;
        }

        return hash;
    }

    private static byte[] BuildCanonical()
    {
        var table = new byte[256];
        for (var code = 0; code < 256; code++)
        {
            table[code] = G711.MuLawEncode(G711.MuLawDecode((byte)code));
        }

        return table;
    }
}
