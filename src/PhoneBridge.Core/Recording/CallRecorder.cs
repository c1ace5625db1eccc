using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Audio;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Recording;

/// <summary>
/// Records calls: every call when <c>PhoneBridge:Recording:Enabled</c>, else the calls asked for (<c>recording:
/// true</c> on <c>POST /calls</c>, <c>POST /calls/{callId}/recording/start</c>). The bridge attaches each call's
/// <see cref="CallRecordingTap"/> when its media starts; a recording hands the tap two bounded queues, and this one
/// background task, for all calls of the process, drains them into the files every <see cref="WriteInterval"/>.
/// A file that cannot be written stops its recording (one error, a <c>phone.recording</c> <c>failed</c> event); the
/// call goes on.
/// </summary>
public sealed class CallRecorder : BackgroundService
{
    /// <summary>How often the writer drains the queues: a few frames per write, well inside the queues' room.</summary>
    public static readonly TimeSpan WriteInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Frames each direction's queue holds (5 s): a writer stalled longer (a slow disk, a starved machine) loses
    /// frames, counted in the sidecar, rather than holding up the call.
    /// </summary>
    internal const int QueueFrames = 250;

    /// <summary>The WAV header is brought up to date at least every second of audio, and when the recording ends.</summary>
    internal const int CommitEveryFrames = 50;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Attachment> _attached = new(StringComparer.Ordinal);
    private readonly Queue<CallRecording> _incoming = new();

    // Coalesced wake-ups of the writer (a recording to open or to finish); never throws, even after shutdown, so a
    // call ending late never fails on it.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IOptionsMonitor<RecordingOptions> _options;
    private readonly ICallEventPublisher _events;
    private readonly TimeProvider _time;
    private readonly ILogger<CallRecorder> _logger;

    public CallRecorder(IOptionsMonitor<RecordingOptions> options, ICallEventPublisher events, TimeProvider time, ILogger<CallRecorder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _events = events;
        _time = time;
        _logger = logger;
    }

    /// <summary>True when a recording directory is configured.</summary>
    public bool IsAvailable => _options.CurrentValue.IsAvailable;

    /// <summary>Opens a recording's WAV file; tests put a failing stream here.</summary>
    internal Func<string, Stream> OpenFile { get; set; } =
        path => new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024);

    /// <summary>True while the call has a recording going.</summary>
    public bool IsRecording(string callId)
    {
        lock (_gate)
        {
            return _attached.TryGetValue(callId, out var attachment) && attachment.Current is not null;
        }
    }

    /// <summary>Starts recording the call now; its media must have started.</summary>
    public RecordingCommandResult Start(string callId)
    {
        if (!IsAvailable)
        {
            return RecordingCommandResult.NotConfigured;
        }

        lock (_gate)
        {
            if (!_attached.TryGetValue(callId, out var attachment))
            {
                return RecordingCommandResult.NoMedia;
            }

            if (attachment.Current is not null)
            {
                return RecordingCommandResult.AlreadyInState;
            }

            StartLocked(attachment);
            return RecordingCommandResult.Done;
        }
    }

    /// <summary>Stops the call's recording; the file is finished by the writer shortly after.</summary>
    public RecordingCommandResult Stop(string callId)
    {
        lock (_gate)
        {
            if (!_attached.TryGetValue(callId, out var attachment))
            {
                return RecordingCommandResult.NoMedia;
            }

            if (attachment.Current is not { } recording)
            {
                return RecordingCommandResult.AlreadyInState;
            }

            attachment.Current = null;
            recording.RequestStop();
        }

        _wake.Writer.TryWrite(true);
        return RecordingCommandResult.Done;
    }

    /// <summary>Records <paramref name="call"/> from when its media starts (at once if it has).</summary>
    public void Request(LiveCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        call.RecordingRequested = true;
        lock (_gate)
        {
            if (_attached.TryGetValue(call.CallId, out var attachment) && attachment.Current is null && attachment.Recordings == 0)
            {
                StartLocked(attachment);
            }
        }
    }

    /// <summary>The call's media started: it can be recorded from now, and is when all calls are or it was asked for.</summary>
    internal void Attach(CallInfo info, LiveCall? call, CallRecordingTap tap, PhoneAudioFormat format)
    {
        var options = _options.CurrentValue;
        lock (_gate)
        {
            var attachment = new Attachment(info, call, tap, format);
            _attached[info.CallId] = attachment;
            if (options.IsAvailable && (options.Enabled || call?.RecordingRequested == true))
            {
                StartLocked(attachment);
            }
        }
    }

    /// <summary>The call's media is over: its recording, if any, ends.</summary>
    internal void Detach(string callId)
    {
        lock (_gate)
        {
            if (!_attached.Remove(callId, out var attachment) || attachment.Current is not { } recording)
            {
                return;
            }

            attachment.Current = null;
            recording.RequestStop();
        }

        _wake.Writer.TryWrite(true);
    }

    /// <summary>Notes an event told to a call's edge call in the sidecar of the call's recording, if any.</summary>
    internal void Note(CallEvent callEvent)
    {
        CallRecording? recording;
        lock (_gate)
        {
            recording = _attached.TryGetValue(callEvent.CallId, out var attachment) ? attachment.Current : null;
        }

        recording?.NoteEvent(callEvent);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var active = new List<CallRecording>();
        try
        {
            while (true)
            {
                TakeIncoming(active);
                if (active.Count == 0)
                {
                    await _wake.Reader.ReadAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }

                // Recordings in progress are written in batches: a few frames per file per write.
                await Task.Delay(WriteInterval, _time, stoppingToken).ConfigureAwait(false);
                TakeIncoming(active);
                active.RemoveAll(recording => !Write(recording));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Shutting down: every recording ends with what its queues hold, and its header and sidecar say so.
        TakeIncoming(active);
        foreach (var recording in active)
        {
            recording.RequestStop();
            Write(recording);
        }
    }

    private void StartLocked(Attachment attachment)
    {
        attachment.Recordings++;
        var callId = attachment.Info.CallId;
        var stem = attachment.Recordings == 1 ? callId : callId + "-" + attachment.Recordings;
        var recording = new CallRecording(
            attachment.Info, attachment.Call, attachment.Tap, attachment.Format.SampleRate, attachment.Format.SamplesPerFrame, QueueFrames, stem, _time);
        attachment.Current = recording;
        attachment.Tap.Attach(recording);
        _incoming.Enqueue(recording);
        _wake.Writer.TryWrite(true);
    }

    private void TakeIncoming(List<CallRecording> active)
    {
        lock (_gate)
        {
            while (_incoming.TryDequeue(out var recording))
            {
                active.Add(recording);
            }
        }
    }

    /// <summary>One writer pass over a recording; false once it is finished (stopped or failed).</summary>
    private bool Write(CallRecording recording)
    {
        try
        {
            var wav = recording.Wav ?? Open(recording);
            var final = recording.StopRequested;
            recording.Timeline.Drain(recording.CallerQueue, recording.HeardQueue, wav, final);
            if (final || wav.Frames - recording.CommittedFrames >= CommitEveryFrames)
            {
                wav.Commit();
                recording.CommittedFrames = wav.Frames;
            }

            var events = recording.TakeEvents(out var changed);
            if (final)
            {
                recording.EndedAt = _time.GetUtcNow();
                RecordingSidecar.Write(SidecarPath(recording), RecordingSidecar.Build(recording, "stopped", events));
                wav.Dispose();
                RecordingLog.Stopped(
                    _logger, recording.CallId, recording.FileStem + ".wav", Math.Round(wav.Frames * AudioFrame.Milliseconds / 1000.0, 2),
                    recording.CallerQueue.Dropped, recording.HeardQueue.Dropped);
                Publish(recording, "stopped");
                return false;
            }

            if (changed)
            {
                RecordingSidecar.Write(SidecarPath(recording), RecordingSidecar.Build(recording, "recording", events));
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Fail(recording, e);
            return false;
        }
    }

    private StereoWavWriter Open(CallRecording recording)
    {
        Directory.CreateDirectory(RecordingDirectory);
        var wav = new StereoWavWriter(
            OpenFile(Path.Combine(RecordingDirectory, recording.FileStem + ".wav")), recording.SampleRate, recording.FrameSamples);
        recording.Wav = wav;
        RecordingSidecar.Write(SidecarPath(recording), RecordingSidecar.Build(recording, "recording", recording.TakeEvents(out _)));
        RecordingLog.Started(_logger, recording.CallId, recording.FileStem + ".wav", recording.SampleRate);
        Publish(recording, "started");
        return wav;
    }

    private void Fail(CallRecording recording, Exception e)
    {
        RecordingLog.Failed(_logger, recording.CallId, recording.FileStem + ".wav", e);
        lock (_gate)
        {
            if (_attached.TryGetValue(recording.CallId, out var attachment) && attachment.Current == recording)
            {
                attachment.Current = null;
            }
        }

        recording.RequestStop();
        try
        {
            // What was committed stays a valid file; the rest may not fit anyway.
            recording.Wav?.Dispose();
        }
        catch (Exception) when (recording.Wav is not null)
        {
        }

        Publish(recording, "failed");
    }

    private void Publish(CallRecording recording, string state)
    {
        if (recording.Call is { } call)
        {
            var callEvent = new PhoneRecordingEvent(recording.CallId, state);
            var (kind, detail) = CallTimeline.Describe(callEvent);
            call.Timeline.Add(_time.GetUtcNow(), kind, detail);
            _events.Publish(call, callEvent);
        }
    }

    private string RecordingDirectory => _options.CurrentValue.Directory!;

    private string SidecarPath(CallRecording recording) => Path.Combine(RecordingDirectory, recording.FileStem + ".json");

    private sealed class Attachment(CallInfo info, LiveCall? call, CallRecordingTap tap, PhoneAudioFormat format)
    {
        public CallInfo Info { get; } = info;

        public LiveCall? Call { get; } = call;

        public CallRecordingTap Tap { get; } = tap;

        public PhoneAudioFormat Format { get; } = format;

        /// <summary>The recording going now; null when none.</summary>
        public CallRecording? Current { get; set; }

        /// <summary>Recordings started for this call so far: numbers the files of later ones.</summary>
        public int Recordings { get; set; }
    }
}
