using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Phone;
using PhoneBridge.Rtc;
using PhoneBridge.Rtc.Media;

namespace PhoneBridge.Browser.Media;

/// <summary>
/// A browser's microphone as the phone side of a call: the server's answering <see cref="PeerConnection"/> with one
/// send-receive Opus track at the call's rate. The stream starts when the connection is up (ICE and DTLS done); from
/// then the browser's decoded audio goes to the bridge on the connection's receive thread, and each frame the bridge
/// gives <see cref="OnFrame"/> is encoded and sent on the thread that gives it, with no queue. It ends when the
/// browser closes the connection, when consent or the connection fails (tab gone, network lost, ICE never
/// connected), or when the bridge hangs up, which closes the connection.
/// </summary>
internal sealed class BrowserMediaStream : IPhoneMediaStream, IAsyncDisposable
{
    private static readonly IReadOnlyDictionary<string, string> NoParameters = new Dictionary<string, string>();

    private readonly PeerConnection _pc;
    private readonly LocalAudioTrack _track;
    private readonly RemoteAudioTrack? _remote;
    private readonly string _callId;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Why the connection ended, as the browser or the network ended it; null when our side ended it.
    private readonly TaskCompletionSource<string?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Frames of another length than the track's are regrouped here (under the bridge's edge-side lock).
    private readonly short[] _pending;
    private int _pendingCount;
    private volatile bool _wasConnected;

    public BrowserMediaStream(PeerConnection pc, LocalAudioTrack track, string callId, ILogger logger)
    {
        _pc = pc;
        _track = track;
        _remote = pc.RemoteTracks.FirstOrDefault();
        _callId = callId;
        _logger = logger;
        _pending = new short[track.FrameSize];
        pc.StateChanged += OnState;
        OnState(pc.State);
    }

    public string Provider => BrowserProvider.Name;

    public int SampleRate => _track.SampleRate;

    public async Task RunAsync(IPhoneStreamHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        using var cancelled = cancellationToken.Register(static s => ((BrowserMediaStream)s!)._ended.TrySetResult(null), this);
        await Task.WhenAny(_connected.Task, _ended.Task).ConfigureAwait(false);
        if (!_ended.Task.IsCompleted)
        {
            handler.OnStarted(new PhoneStreamStart(_pc.Id, null, new PhoneAudioFormat(PhoneEncoding.Opus, _track.SampleRate), NoParameters));
            if (_remote is not null)
            {
                _remote.Sink = handler.CallerAudio;
            }
        }

        var reason = await _ended.Task.ConfigureAwait(false);
        if (_remote is not null)
        {
            _remote.Sink = null;
        }

        if (reason is not null)
        {
            BrowserMediaStreamLog.ConnectionEnded(_logger, _callId, reason);
        }
    }

    public void OnFrame(ReadOnlySpan<short> frame)
    {
        if (frame.Length == _pending.Length && _pendingCount == 0)
        {
            _track.WriteFrame(frame);
            return;
        }

        while (!frame.IsEmpty)
        {
            var count = Math.Min(frame.Length, _pending.Length - _pendingCount);
            frame[..count].CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += count;
            frame = frame[count..];
            if (_pendingCount == _pending.Length)
            {
                _track.WriteFrame(_pending);
                _pendingCount = 0;
            }
        }
    }

    /// <summary>The bridge sends no marks of its own; a browser has no playback to acknowledge.</summary>
    public void SendMark(string name)
    {
    }

    /// <summary>Nothing to clear: each frame is sent as it is written, and the browser's jitter buffer is its own.</summary>
    public void Clear()
    {
    }

    public async ValueTask HangUpAsync(string reason, CancellationToken cancellationToken)
    {
        _ended.TrySetResult(null);
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the connection (an RTCP BYE and a DTLS close tell the browser); idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        _ended.TrySetResult(null);
        _pc.StateChanged -= OnState;
        await _pc.DisposeAsync().ConfigureAwait(false);
    }

    private void OnState(PeerConnectionState state)
    {
        switch (state)
        {
            case PeerConnectionState.Connected:
                _wasConnected = true;
                _connected.TrySetResult();
                break;
            case PeerConnectionState.Failed:
                _ended.TrySetResult(_wasConnected ? "the connection failed (consent lost: tab closed or network gone)" : "the connection did not come up (ICE or DTLS failed)");
                break;
            case PeerConnectionState.Closed:
                _ended.TrySetResult("the browser closed the connection");
                break;
        }
    }
}
