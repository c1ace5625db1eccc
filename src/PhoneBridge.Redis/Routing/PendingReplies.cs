using PhoneBridge.Core.Cluster;

namespace PhoneBridge.Redis.Routing;

/// <summary>
/// The answers to one published request, complete once as many came as there were listeners to answer. An answer
/// may arrive before the publish returned the count, so both sides are checked under one lock.
/// </summary>
internal sealed class PendingReplies
{
    private readonly Lock _gate = new();
    private readonly List<CallCommandReply> _replies = [];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = -1;

    public Task Done => _done.Task;

    /// <summary>The answers so far, copied.</summary>
    public IReadOnlyList<CallCommandReply> Replies
    {
        get
        {
            lock (_gate)
            {
                return [.. _replies];
            }
        }
    }

    /// <summary>Sets how many answers make it complete; true when they are all in already.</summary>
    public bool Expect(int count)
    {
        lock (_gate)
        {
            _expected = count;
            return Check();
        }
    }

    public void Add(CallCommandReply reply)
    {
        lock (_gate)
        {
            _replies.Add(reply);
            Check();
        }
    }

    private bool Check()
    {
        if (_expected >= 0 && _replies.Count >= _expected)
        {
            _done.TrySetResult();
            return true;
        }

        return false;
    }
}
