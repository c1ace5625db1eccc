using PhoneBridge.Core.Calls;

namespace PhoneBridge.Core.Recording;

/// <summary>
/// The event publisher the call directory tells: passes every event on to the edge call's publisher, then notes it
/// in the sidecar of the call's recording, if it is being recorded.
/// </summary>
internal sealed class RecordingCallEvents(ICallEventPublisher inner, CallRecorder recorder) : ICallEventPublisher
{
    public void Publish(LiveCall call, CallEvent callEvent)
    {
        inner.Publish(call, callEvent);
        recorder.Note(callEvent);
    }
}
