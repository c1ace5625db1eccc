using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Recording;
using PhoneBridge.Core.Registry;
using PhoneBridge.Testing.Recording;

namespace PhoneBridge.Core.Tests.Recording;

public sealed class CallRecorderTests : IAsyncLifetime
{
    private const string Caller = "+15551234567";
    private const string Callee = "+15557654321";

    private readonly string _directory = Directory.CreateTempSubdirectory("pb-rec-").FullName;
    private readonly CollectingEventPublisher _events = new();
    private readonly ListLogger<CallRecorder> _log = new();
    private readonly RecordingOptions _options = new();
    private CallRecorder _recorder = null!;

    public async Task InitializeAsync()
    {
        _options.Directory = _directory;
        _recorder = new CallRecorder(new FixedOptionsMonitor<RecordingOptions>(_options), _events, TimeProvider.System, _log);
        await _recorder.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _recorder.StopAsync(CancellationToken.None);
        _recorder.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_recorded_call_gives_a_stereo_wav_and_a_sidecar_with_masked_numbers_and_the_events_at_their_offsets()
    {
        var (call, tap) = Attach("CArec1");
        var directory = new CallDirectory(new RecordingCallEvents(_events, _recorder));
        Assert.Equal(RecordingCommandResult.Done, _recorder.Start(call.CallId));
        Assert.Equal(RecordingCommandResult.AlreadyInState, _recorder.Start(call.CallId));
        await _events.WaitForRecordingAsync(call.CallId, "started");

        for (var tick = 0; tick < 150; tick++)
        {
            tap.Caller.OnFrame(Signals.Sine(440, 8000, 160, tick * 160L));
            tap.Heard.OnFrame(Signals.Sine(1300, 8000, 160, tick * 160L));
            switch (tick)
            {
                case 49:
                    tap.OnDtmf('5');
                    break;
                case 99:
                    directory.Publish(call, new PhoneHoldEvent(call.CallId, true));
                    directory.Publish(call, new PhoneTransferEvent(call.CallId, "cold", "completed"));
                    break;
            }
        }

        Assert.Equal(RecordingCommandResult.Done, _recorder.Stop(call.CallId));
        Assert.Equal(RecordingCommandResult.AlreadyInState, _recorder.Stop(call.CallId));
        await _events.WaitForRecordingAsync(call.CallId, "stopped");

        var wav = RecordedWav.Read(Path.Combine(_directory, call.CallId + ".wav"));
        Assert.True(wav.HeaderIsConsistent);
        Assert.Equal((2, 8000), (wav.Channels, wav.SampleRate));
        // Each heard frame came just after its tick's caller frame, so the last one plays at the tick after the last caller frame.
        Assert.Equal(151 * 160, wav.Left.Length);
        Assert.True(Signals.Correlation(wav.Left.AsSpan(0, 150 * 160), Signals.Sine(440, 8000, 150 * 160)) > 0.99);
        Assert.True(Signals.BestCorrelation(wav.Right, Signals.Sine(1300, 8000, 100 * 160), 0, 160) > 0.95);

        var sidecarText = await File.ReadAllTextAsync(Path.Combine(_directory, call.CallId + ".json"));
        Assert.DoesNotContain("5551234567", sidecarText, StringComparison.Ordinal);
        Assert.DoesNotContain("5557654321", sidecarText, StringComparison.Ordinal);
        using var sidecar = JsonDocument.Parse(sidecarText);
        var root = sidecar.RootElement;
        Assert.Equal(call.CallId, root.GetProperty("callId").GetString());
        Assert.Equal("twilio", root.GetProperty("provider").GetString());
        Assert.Equal("***4567", root.GetProperty("from").GetString());
        Assert.Equal("***4321", root.GetProperty("to").GetString());
        Assert.Equal("stopped", root.GetProperty("state").GetString());
        Assert.Equal(8000, root.GetProperty("format").GetProperty("sampleRate").GetInt32());
        var started = root.GetProperty("startedAt").GetDateTimeOffset();
        var ended = root.GetProperty("endedAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.Zero, started.Offset);
        Assert.True(ended >= started);

        var events = root.GetProperty("events").EnumerateArray().ToArray();
        Assert.Equal(["phone.dtmf", "phone.hold", "phone.transfer"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal([1000, 2000, 2000], events.Select(e => e.GetProperty("offsetMs").GetInt64()));
        Assert.Equal("5", events[0].GetProperty("digit").GetString());
        Assert.True(events[1].GetProperty("held").GetBoolean());
        Assert.Equal("cold", events[2].GetProperty("mode").GetString());
        Assert.All(events, e => Assert.Equal(call.CallId, e.GetProperty("callId").GetString()));

        Assert.Single(_log.Entries, e => e.EventId.Id == 1800);
        Assert.Single(_log.Entries, e => e.EventId.Id == 1801);
        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains("555", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_full_disk_stops_the_recording_with_one_error_and_the_failed_event_and_audio_flows_on()
    {
        _recorder.OpenFile = _ => new FullDiskStream(capacity: 44 + (20 * 640));
        var (call, tap) = Attach("CAfull");
        var next = new CountingSink();
        tap.Caller.ConnectTo(next);
        tap.Heard.ConnectTo(next);
        Assert.Equal(RecordingCommandResult.Done, _recorder.Start(call.CallId));
        await _events.WaitForRecordingAsync(call.CallId, "started");

        var failed = _events.WaitForRecordingAsync(call.CallId, "failed");
        for (var tick = 0; !failed.IsCompleted; tick++)
        {
            tap.Caller.OnFrame(new short[160]);
            tap.Heard.OnFrame(new short[160]);
            if (tick % 5 == 4)
            {
                await Task.WhenAny(failed, Task.Delay(20));
            }
        }

        await failed;
        Assert.Null(tap.Recording);
        Assert.False(_recorder.IsRecording(call.CallId));
        for (var i = 0; i < 100; i++)
        {
            tap.Caller.OnFrame(new short[160]);
        }

        // The call's audio was never held up: every frame went on through the taps.
        Assert.True(next.Frames >= 100);
        var error = Assert.Single(_log.Entries, e => e.Level >= LogLevel.Error);
        Assert.Equal(1802, error.EventId.Id);
        Assert.IsAssignableFrom<IOException>(error.Exception);
        Assert.Equal(["started", "failed"], _events.Recording(call.CallId).Select(e => e.State));

        // It can be started again, into its next file.
        _recorder.OpenFile = path => new FileStream(path, FileMode.Create, FileAccess.Write);
        Assert.Equal(RecordingCommandResult.Done, _recorder.Start(call.CallId));
        await _events.WaitForAsync(e => e is PhoneRecordingEvent { State: "started" } r && r.CallId == call.CallId && _events.Recording(call.CallId).Count == 3);
        Assert.True(File.Exists(Path.Combine(_directory, call.CallId + "-2.wav")));
    }

    [Fact]
    public async Task A_directory_that_became_unwritable_fails_the_recording_not_the_call()
    {
        // A regular file where the directory was: no user, root included, can create files under it.
        Directory.Delete(_directory);
        await File.WriteAllTextAsync(_directory, "not a directory");
        try
        {
            var (call, tap) = Attach("CAunwritable");
            Assert.Equal(RecordingCommandResult.Done, _recorder.Start(call.CallId));
            await _events.WaitForRecordingAsync(call.CallId, "failed");

            Assert.Null(tap.Recording);
            Assert.Single(_log.Entries, e => e.Level >= LogLevel.Error);
            Assert.Equal(["failed"], _events.Recording(call.CallId).Select(e => e.State));
        }
        finally
        {
            File.Delete(_directory);
            Directory.CreateDirectory(_directory);
        }
    }

    [Fact]
    public void Start_and_stop_say_why_they_cannot()
    {
        Assert.Equal(RecordingCommandResult.NoMedia, _recorder.Start("CAnone"));
        Assert.Equal(RecordingCommandResult.NoMedia, _recorder.Stop("CAnone"));
        var (call, _) = Attach("CAidle");
        Assert.Equal(RecordingCommandResult.AlreadyInState, _recorder.Stop(call.CallId));
        _recorder.Detach(call.CallId);
        Assert.Equal(RecordingCommandResult.NoMedia, _recorder.Start(call.CallId));

        _options.Directory = null;
        Assert.Equal(RecordingCommandResult.NotConfigured, _recorder.Start(call.CallId));
    }

    [Fact]
    public async Task Enabled_records_every_call_from_its_media_start_and_a_requested_call_is_recorded_too()
    {
        var (requested, _) = Attach("CAasked", request: true);
        await _events.WaitForRecordingAsync(requested.CallId, "started");

        _options.Enabled = true;
        var (every, _) = Attach("CAevery");
        await _events.WaitForRecordingAsync(every.CallId, "started");

        // The call's media ends: its recording ends with it.
        _recorder.Detach(every.CallId);
        await _events.WaitForRecordingAsync(every.CallId, "stopped");
        Assert.True(File.Exists(Path.Combine(_directory, every.CallId + ".wav")));
        Assert.True(_recorder.IsRecording(requested.CallId));
    }

    private (LiveCall Call, CallRecordingTap Tap) Attach(string providerCallId, bool request = false)
    {
        var info = new CallInfo(CallIds.NewCallId(), "twilio", providerCallId, Caller, Callee, DateTimeOffset.UtcNow);
        var call = new LiveCall(info) { RecordingRequested = request };
        var tap = new CallRecordingTap();
        _recorder.Attach(info, call, tap, PhoneAudioFormat.MuLaw8k);
        return (call, tap);
    }

    private sealed class CountingSink : PhoneBridge.Audio.IAudioFrameSink
    {
        private int _frames;

        public int Frames => Volatile.Read(ref _frames);

        public void OnFrame(ReadOnlySpan<short> frame) => Interlocked.Increment(ref _frames);
    }

    /// <summary>A file on a disk with room for <c>capacity</c> bytes: writing past it fails as ENOSPC does.</summary>
    private sealed class FullDiskStream(long capacity) : MemoryStream
    {
        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Position + count > capacity)
            {
                throw new IOException("No space left on device");
            }

            base.Write(buffer, offset, count);
        }
    }
}
