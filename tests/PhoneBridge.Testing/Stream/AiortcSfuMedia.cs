using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PhoneBridge.Testing.Stream;

/// <summary>
/// The fake SFU's media on aiortc 1.4 (the system Python's), an independent WebRTC stack: <c>sfu_media.py</c> answers
/// publishers, offers subscribers, relays each publisher's Opus to its subscribers and plays agents. Driven by one
/// JSON request per line on stdin, one reply per line on stdout; its stderr is kept for failure messages.
/// </summary>
internal sealed class AiortcSfuMedia : IFakeSfuMedia
{
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>Generous: aiortc gathers candidates inside setLocalDescription, and the machine may be loaded.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly Task _reader;
    private int _nextId;
    private int _disposed;

    private AiortcSfuMedia(Process process)
    {
        _process = process;
        _pending[0] = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                // Bounded: a chatty failure must not grow the test's memory without limit.
                if (_stderr.Length < 256 * 1024)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        _reader = Task.Run(ReadRepliesAsync);
    }

    /// <summary>Everything the Python process wrote to stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static async Task<AiortcSfuMedia> StartAsync(CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ScriptPath());
        var media = new AiortcSfuMedia(Process.Start(info) ?? throw new InvalidOperationException("python did not start"));
        try
        {
            await media._pending[0].Task.WaitAsync(RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            var stderr = media.Stderr;
            await media.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException("sfu_media.py did not start: " + stderr);
        }

        return media;
    }

    public async Task<string> AnswerPublisherAsync(FakeStream.FakeSession session, string offer)
    {
        var reply = await RequestAsync("publisher_offer", new JsonObject { ["key"] = session.MediaKey, ["call"] = session.CallCid, ["sdp"] = offer })
            .ConfigureAwait(false);
        return reply.GetProperty("sdp").GetString()!;
    }

    public async Task<string> OfferSubscriberAsync(FakeStream.FakeSession session, IReadOnlyList<ForwardedTrack> tracks, bool iceRestart)
    {
        var list = new JsonArray();
        foreach (var t in tracks)
        {
            list.Add(new JsonObject { ["from"] = t.From.MediaKey, ["stream_id"] = t.StreamId, ["track_id"] = t.TrackId });
        }

        var reply = await RequestAsync("subscriber_offer", new JsonObject { ["key"] = session.MediaKey, ["tracks"] = list, ["ice_restart"] = iceRestart })
            .ConfigureAwait(false);
        return reply.GetProperty("sdp").GetString()!;
    }

    public Task SetSubscriberAnswerAsync(FakeStream.FakeSession session, string answer) =>
        RequestAsync("subscriber_answer", new JsonObject { ["key"] = session.MediaKey, ["sdp"] = answer });

    public Task CloseAsync(FakeStream.FakeSession session) => RequestAsync("close", new JsonObject { ["key"] = session.MediaKey });

    public Task AddAgentAsync(FakeStream.FakeSession agent, string mode) =>
        RequestAsync("agent", new JsonObject { ["key"] = agent.MediaKey, ["call"] = agent.CallCid, ["mode"] = mode });

    /// <summary>The last <paramref name="seconds"/> of what the agent heard (48 kHz mono), and how many frames it heard in all.</summary>
    public async Task<(short[] Pcm, long Frames)> HeardAsync(FakeStream.FakeSession agent, double seconds)
    {
        var reply = await RequestAsync("heard", new JsonObject { ["key"] = agent.MediaKey, ["seconds"] = seconds }).ConfigureAwait(false);
        var bytes = Convert.FromBase64String(reply.GetProperty("pcm").GetString()!);
        var pcm = new short[bytes.Length / 2];
        Buffer.BlockCopy(bytes, 0, pcm, 0, pcm.Length * 2);
        return (pcm, reply.GetProperty("frames").GetInt64());
    }

    /// <summary>Frames received per publisher media key (the publishers still open).</summary>
    public async Task<Dictionary<string, long>> PublisherFramesAsync()
    {
        var reply = await RequestAsync("stats", []).ConfigureAwait(false);
        return reply.GetProperty("publishers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            await _reader.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
        }

        _process.Dispose();
        _write.Dispose();
    }

    private async Task<JsonElement> RequestAsync(string op, JsonObject message)
    {
        ObjectDisposedException.ThrowIf(_disposed == 1, this);
        var id = Interlocked.Increment(ref _nextId);
        var pending = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = pending;
        message["id"] = id;
        message["op"] = op;
        try
        {
            await _write.WaitAsync(RequestTimeout).ConfigureAwait(false);
            try
            {
                await _process.StandardInput.WriteLineAsync(message.ToJsonString()).ConfigureAwait(false);
                await _process.StandardInput.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                _write.Release();
            }

            var reply = await pending.Task.WaitAsync(RequestTimeout).ConfigureAwait(false);
            if (!reply.GetProperty("ok").GetBoolean())
            {
                throw new InvalidOperationException($"aiortc {op} failed: {reply.GetProperty("error").GetString()}\n{Stderr}");
            }

            return reply;
        }
        catch (Exception e) when (e is TimeoutException or IOException)
        {
            throw new InvalidOperationException($"aiortc {op}: {e.Message}\n{Stderr}", e);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task ReadRepliesAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (!line.StartsWith('{'))
                {
                    continue;
                }

                var reply = JsonDocument.Parse(line).RootElement.Clone();
                if (reply.TryGetProperty("id", out var id) && _pending.TryGetValue(id.GetInt32(), out var pending))
                {
                    pending.TrySetResult(reply);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or JsonException)
        {
        }

        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new IOException("sfu_media.py exited: " + Stderr));
        }
    }

    private static string ScriptPath([CallerFilePath] string file = "") => Path.Combine(Path.GetDirectoryName(file)!, "sfu_media.py");
}
