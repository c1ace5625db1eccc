using System.Diagnostics;

namespace PhoneBridge.Core.Telemetry;

/// <summary>
/// The <see cref="CallTracing.FirstAudio"/> span of one call, from the edge going live to the first frame it sends
/// towards the caller. That frame arrives on the media thread, which must not allocate: it only stamps the time and
/// queues this preallocated work item; the span is ended on the thread pool with that time.
/// </summary>
internal sealed class FirstAudioSpan(Activity activity, TimeProvider time) : IThreadPoolWorkItem
{
    private DateTimeOffset _arrivedAt;
    private int _done;

    /// <summary>The first frame arrived (media thread): no allocation, no lock. Later calls do nothing.</summary>
    public void Arrived()
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            _arrivedAt = time.GetUtcNow();
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>The call ended before any audio came: the span ends now, marked so.</summary>
    public void Abandon()
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            var current = Activity.Current;
            activity.SetTag("phonebridge.audio", false);
            activity.Dispose();
            Activity.Current = current;
        }
    }

    void IThreadPoolWorkItem.Execute()
    {
        activity.SetEndTime(_arrivedAt.UtcDateTime);
        activity.Dispose();
    }
}
