using System.Collections.Concurrent;

namespace PhoneBridge.Rtc.Stun;

/// <summary>
/// Client transactions for request/response exchanges with servers (STUN binding for server-reflexive addresses,
/// TURN): retransmits with a doubling RTO on the <see cref="TimeProvider"/> until a response or the timeout.
/// </summary>
internal sealed class StunTransactionClient(TimeProvider time)
{
    private static readonly TimeSpan InitialRto = TimeSpan.FromMilliseconds(500);
    private readonly ConcurrentDictionary<StunTransactionId, TaskCompletionSource<byte[]>> _pending = new();

    /// <summary>Sends <paramref name="request"/> until answered; returns the raw response, or null on timeout.</summary>
    public async Task<byte[]?> RequestAsync(StunTransactionId id, ReadOnlyMemory<byte> request, Action<ReadOnlyMemory<byte>> send, TimeSpan timeout, CancellationToken ct)
    {
        var completion = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        try
        {
            var deadline = time.GetUtcNow() + timeout;
            var rto = InitialRto;
            while (true)
            {
                send(request);
                var wait = deadline - time.GetUtcNow();
                if (wait <= TimeSpan.Zero)
                {
                    return null;
                }

                try
                {
                    return await completion.Task.WaitAsync(wait < rto ? wait : rto, time, ct).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    rto *= 2;
                }
            }
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Completes the matching transaction with a copy of <paramref name="response"/>; false when none is pending.</summary>
    public bool TryComplete(StunMessage response)
    {
        if (response.Class is not (StunClass.SuccessResponse or StunClass.ErrorResponse)
            || !_pending.TryRemove(response.TransactionId, out var completion))
        {
            return false;
        }

        completion.TrySetResult(response.Raw.ToArray());
        return true;
    }
}
