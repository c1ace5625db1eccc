using System.Text.Json.Nodes;
using PhoneBridge.Audio;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Recording;

/// <summary>
/// One recording of one call: the two bounded frame queues the media threads fill, the events noted for the
/// sidecar, and, on the writer's task only, the open WAV file. Files are named by the call id (a later recording of
/// the same call gets <c>-2</c>, <c>-3</c>, …), never by anything the caller or callee could be recognised by.
/// </summary>
internal sealed class CallRecording
{
    private readonly Lock _gate = new();
    private readonly List<JsonObject> _events = [];
    private readonly CallRecordingTap _tap;
    private readonly TimeProvider _time;
    private volatile bool _stopRequested;
    private bool _sidecarDirty = true;

    public CallRecording(
        CallInfo info, LiveCall? call, CallRecordingTap tap, int sampleRate, int frameSamples, int queueFrames, string fileStem, TimeProvider time)
    {
        Info = info;
        Call = call;
        _tap = tap;
        SampleRate = sampleRate;
        FrameSamples = frameSamples;
        FileStem = fileStem;
        _time = time;
        StartedAt = time.GetUtcNow();
        CallerQueue = new FrameQueue(queueFrames, frameSamples);
        HeardQueue = new FrameQueue(queueFrames, frameSamples);
        Timeline = new StereoTimeline(tap.CallerFrames, frameSamples);
    }

    public CallInfo Info { get; }

    public string CallId => Info.CallId;

    /// <summary>The live call its <c>phone.recording</c> events are told to; null outside a server.</summary>
    public LiveCall? Call { get; }

    public int SampleRate { get; }

    public int FrameSamples { get; }

    /// <summary>File name without extension: the call id, with a sequence number for later recordings of the call.</summary>
    public string FileStem { get; }

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset? EndedAt { get; set; }

    public FrameQueue CallerQueue { get; }

    public FrameQueue HeardQueue { get; }

    public StereoTimeline Timeline { get; }

    /// <summary>The open WAV file; the writer's task only.</summary>
    public StereoWavWriter? Wav { get; set; }

    /// <summary>The frame count of <see cref="Wav"/> when its header was last brought up to date.</summary>
    public long CommittedFrames { get; set; }

    public bool StopRequested => _stopRequested;

    public void RequestStop()
    {
        _stopRequested = true;
        _tap.Detach(this);
    }

    public void OnCallerFrame(ReadOnlySpan<short> frame, long tick) => CallerQueue.TryEnqueue(frame, tick);

    public void OnHeardFrame(ReadOnlySpan<short> frame, long callerFrames) => HeardQueue.TryEnqueue(frame, callerFrames);

    /// <summary>Notes a key the caller pressed, as the edge call hears of it (<c>phone.dtmf</c>).</summary>
    public void NoteDtmf(char digit, long callerFrames) =>
        Note(new JsonObject { ["type"] = "phone.dtmf", ["callId"] = CallId, ["digit"] = digit.ToString() }, callerFrames);

    /// <summary>Notes an event told to the call's edge call, with every field it was told with.</summary>
    public void NoteEvent(CallEvent callEvent) =>
        Note(RecordingSidecar.EventFields(callEvent), _tap.CallerFrames);

    /// <summary>A copy of the events noted so far, oldest first, and clears the sidecar's dirty mark.</summary>
    public JsonObject[] TakeEvents(out bool changed)
    {
        lock (_gate)
        {
            changed = _sidecarDirty;
            _sidecarDirty = false;
            return [.. _events.Select(e => (JsonObject)e.DeepClone())];
        }
    }

    private void Note(JsonObject fields, long callerFrames)
    {
        // The offset is the event's place in the file: caller frames are the file's clock.
        var offsetMs = Math.Max(0, callerFrames - Timeline.StartTick) * AudioFrame.Milliseconds;
        var entry = new JsonObject { ["offsetMs"] = offsetMs, ["at"] = _time.GetUtcNow() };
        foreach (var (name, value) in fields)
        {
            entry[name] = value?.DeepClone();
        }

        lock (_gate)
        {
            _events.Add(entry);
            _sidecarDirty = true;
        }
    }
}
