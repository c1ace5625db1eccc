using System.Collections.Concurrent;
using System.Net;

namespace PhoneBridge.Stream.Tests.Fakes;

/// <summary>
/// Primary handler of a client built through DI: answers the next requests with queued error statuses, then forwards
/// to the real fake server over loopback. Counts every request that reached it (one per try).
/// </summary>
internal sealed class FaultInjectingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<HttpStatusCode> _faults = new();
    private int _requests;

    public FaultInjectingHandler()
        : base(new SocketsHttpHandler())
    {
    }

    public int Requests => Volatile.Read(ref _requests);

    public FaultInjectingHandler Fail(HttpStatusCode status, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue(status);
        }

        return this;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        return _faults.TryDequeue(out var status)
            ? Task.FromResult(new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent("") })
            : base.SendAsync(request, cancellationToken);
    }
}
