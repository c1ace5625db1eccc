using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Registry;
using PhoneBridge.Telnyx.Rest;

namespace PhoneBridge.Telnyx.Calls;

/// <summary>Keeps the tracked calls and the registry in step with the outcome of queued Call Control work.</summary>
internal sealed class TelnyxCommandObserver(TelnyxCallTracker tracker, IServiceProvider services) : ITelnyxCommandObserver
{
    public void OnAnswered(TelnyxAnswerWork answer)
    {
        if (tracker.TryGet(answer.CallControlId, out var call))
        {
            call.Answered = true;
        }
    }

    public void OnAnswerFailed(TelnyxAnswerWork answer)
    {
        // Nobody will open the media socket for a call we could not answer: free its registration now.
        tracker.TryRemove(answer.CallControlId, answer.CallId);
        services.GetRequiredService<ICallRegistry>().Release(answer.CallId);
    }
}
