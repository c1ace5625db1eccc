using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Audio;

namespace PhoneBridge.Core.Edge;

/// <summary>
/// An in-process edge with a built-in echo agent: the caller hears themselves after
/// <see cref="EchoEdgeOptions.Delay"/>. It is the default edge, so the server and the phone simulator
/// work end to end on a machine with no accounts.
/// </summary>
public sealed class LocalEchoEdge : IEdge
{
    private readonly EchoEdgeOptions _options;
    private readonly ILogger<LocalEchoEdge> _logger;

    public LocalEchoEdge(IOptions<EchoEdgeOptions> options, ILogger<LocalEchoEdge> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        if (!EchoEdgeOptions.IsValid(_options))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Echo delay must be between 0 and 10 s.");
        }

        _logger = logger;
    }

    public string Name => "local";

    public Task<IEdgeSession> JoinAsync(EdgeJoinRequest request, IEdgeSessionHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.SampleRate, 1000);
        cancellationToken.ThrowIfCancellationRequested();

        LocalEchoEdgeLog.Joined(_logger, request.CallId, _options.DelayFrames * AudioFrame.Milliseconds);
        return Task.FromResult<IEdgeSession>(new EchoSession(AudioFrame.SamplesAt(request.SampleRate), _options.DelayFrames, handler.RemoteAudio, request.CallId, _logger));
    }

    /// <summary>
    /// A delay line of whole frames, clocked by the caller's own audio: every frame received pushes
    /// out the one received <c>delay</c> frames earlier, unchanged, so no timer or thread is needed.
    /// </summary>
    private sealed class EchoSession : IEdgeSession
    {
        // A received frame larger than this is echoed in slot-sized pieces.
        private const int SlotFrames = 4;

        private readonly IAudioFrameSink _echo;
        private readonly string _callId;
        private readonly ILogger _logger;
        private readonly short[][] _slots;
        private readonly int[] _lengths;
        private readonly int _slotCapacity;
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();
        private int _head;
        private int _filled;

        public EchoSession(int frameSamples, int delayFrames, IAudioFrameSink echo, string callId, ILogger logger)
        {
            _echo = echo;
            _callId = callId;
            _logger = logger;
            _slotCapacity = Math.Max(1, frameSamples) * SlotFrames;
            _slots = new short[delayFrames][];
            _lengths = new int[delayFrames];
            for (var i = 0; i < delayFrames; i++)
            {
                _slots[i] = new short[_slotCapacity];
            }
        }

        public Task Completion => _completion.Task;

        public void OnFrame(ReadOnlySpan<short> pcm)
        {
            if (_completion.Task.IsCompleted)
            {
                return;
            }

            if (_slots.Length == 0)
            {
                _echo.OnFrame(pcm);
                return;
            }

            lock (_gate)
            {
                while (!pcm.IsEmpty)
                {
                    var piece = pcm[..Math.Min(pcm.Length, _slotCapacity)];
                    Push(piece);
                    pcm = pcm[piece.Length..];
                }
            }
        }

        public void SendDtmf(char digit) => LocalEchoEdgeLog.Dtmf(_logger, _callId);

        public ValueTask LeaveAsync(CancellationToken cancellationToken)
        {
            if (_completion.TrySetResult())
            {
                LocalEchoEdgeLog.Left(_logger, _callId);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => LeaveAsync(CancellationToken.None);

        private void Push(ReadOnlySpan<short> frame)
        {
            var slot = _head;
            if (_filled == _slots.Length)
            {
                // The oldest frame is due: hand it out, then reuse its slot for the new one.
                _echo.OnFrame(_slots[slot].AsSpan(0, _lengths[slot]));
            }
            else
            {
                _filled++;
            }

            frame.CopyTo(_slots[slot]);
            _lengths[slot] = frame.Length;
            _head = (slot + 1) % _slots.Length;
        }
    }
}
