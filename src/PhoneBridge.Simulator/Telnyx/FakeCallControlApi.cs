using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Simulator.Telnyx;

/// <summary>
/// A local stand-in for the Telnyx Call Control API on 127.0.0.1: it checks requests as Telnyx would (Bearer key,
/// JSON fields and values, <c>command_id</c> replays ignored for 60 s) and reports the commands it accepted (dial,
/// answer, reject, hangup, transfer, send_dtmf), so a simulated phone can open the media socket an <c>answer</c> asked for.
/// </summary>
public sealed class FakeCallControlApi : IAsyncDisposable
{
    private static readonly string[] Codecs = ["PCMU", "PCMA", "G722", "OPUS", "AMR-WB", "L16"];
    private static readonly string[] Tracks = ["inbound_track", "outbound_track", "both_tracks"];
    private static readonly string[] MachineDetection = ["premium", "detect", "detect_beep", "detect_words", "greeting_end", "disabled"];
    private static readonly TimeSpan CommandIdMemory = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private readonly byte[] _apiKeyHash;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _commandIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _liveCalls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<FakeCommand> _accepted = new();
    private readonly Channel<FakeCommand> _commands = Channel.CreateUnbounded<FakeCommand>();

    private FakeCallControlApi(WebApplication app, string apiKey, TimeProvider time)
    {
        _app = app;
        _apiKeyHash = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));
        _time = time;
    }

    /// <summary>Base URL to configure as <c>Telnyx:ApiBaseUrl</c>, e.g. <c>http://127.0.0.1:40123/v2</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Commands accepted so far, in order.</summary>
    public IReadOnlyList<FakeCommand> Accepted => _accepted.ToArray();

    /// <summary>Requests refused with an error (auth or validation).</summary>
    public int Refused => Volatile.Read(ref _refused);

    private int _refused;

    /// <param name="port">Port on 127.0.0.1; 0 picks a free one.</param>
    public static async Task<FakeCallControlApi> StartAsync(string apiKey, TimeProvider? time = null, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var api = new FakeCallControlApi(app, apiKey, time ?? TimeProvider.System);
        app.MapPost("/v2/calls", (Delegate)api.DialAsync);
        app.MapPost("/v2/calls/{callControlId}/actions/{action}", api.ActionAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        api.BaseUrl = new Uri(address.TrimEnd('/') + "/v2");
        return api;
    }

    /// <summary>Makes <paramref name="callControlId"/> a live (parked) call, as Telnyx does before <c>call.initiated</c>.</summary>
    public void AddIncomingCall(string callControlId) => _liveCalls[callControlId] = true;

    /// <summary>Marks a call ended (the caller hung up); later commands on it get 422 code 90018.</summary>
    public void EndCall(string callControlId) => _liveCalls.TryRemove(callControlId, out _);

    public bool IsLive(string callControlId) => _liveCalls.ContainsKey(callControlId);

    /// <summary>The next accepted command, waiting for it if needed.</summary>
    public async Task<FakeCommand> NextCommandAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            return await _commands.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SimulatorException($"The server sent no Call Control command within {timeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>Waits for the next command of <paramref name="action"/> on <paramref name="callControlId"/>, skipping others.</summary>
    public async Task<FakeCommand> WaitForAsync(string action, string callControlId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            var left = deadline - _time.GetUtcNow();
            var command = await NextCommandAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
            if (command.Action == action && command.CallControlId == callControlId)
            {
                return command;
            }
        }
    }

    private async Task<IResult> DialAsync(HttpContext context)
    {
        var (body, error) = await ReadAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using (body)
        {
            var root = body!.RootElement;
            foreach (var field in new[] { "connection_id", "to", "from" })
            {
                if (!root.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String || value.GetString()!.Length == 0)
                {
                    return Refuse(StatusCodes.Status422UnprocessableEntity, "10015", $"Invalid value for {field}");
                }
            }

            if (CheckStream(root, requireSamplingRate: false) is { } streamError)
            {
                return streamError;
            }

            // https://developers.telnyx.com/api/call-control/dial-call: timeout_secs 5-600, answering_machine_detection's values.
            if (CheckTimeout(root) is { } timeoutError)
            {
                return timeoutError;
            }

            if (root.TryGetProperty("answering_machine_detection", out var detection) && !MachineDetection.Contains(detection.GetString()))
            {
                return Refuse(StatusCodes.Status422UnprocessableEntity, "10015", "Invalid value for answering_machine_detection");
            }

            if (IsReplay(root))
            {
                return TypedResults.Ok(new { data = new { result = "ok" } });
            }

            var callControlId = "v3:sim-" + Guid.NewGuid().ToString("N");
            _liveCalls[callControlId] = true;
            Accept(new FakeCommand("dial", callControlId, root.Clone()));
            return TypedResults.Ok(new
            {
                data = new
                {
                    call_control_id = callControlId,
                    call_leg_id = Guid.NewGuid().ToString(),
                    call_session_id = Guid.NewGuid().ToString(),
                    is_alive = false,
                    record_type = "call",
                },
            });
        }
    }

    private async Task<IResult> ActionAsync(string callControlId, string action, HttpContext context)
    {
        var (body, error) = await ReadAsync(context).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        using (body)
        {
            var root = body!.RootElement;
            if (action is not ("answer" or "reject" or "hangup" or "transfer" or "send_dtmf"))
            {
                return Refuse(StatusCodes.Status404NotFound, "10005", "Resource not found");
            }

            if (CheckAction(action, root) is { } actionError)
            {
                return actionError;
            }

            if (!_liveCalls.ContainsKey(callControlId))
            {
                return Refuse(StatusCodes.Status422UnprocessableEntity, "90018", "Call has already ended");
            }

            if (action == "answer" && CheckStream(root, requireSamplingRate: false) is { } streamError)
            {
                return streamError;
            }

            if (!IsReplay(root))
            {
                if (action is "hangup" or "reject")
                {
                    _liveCalls.TryRemove(callControlId, out _);
                }

                Accept(new FakeCommand(action, callControlId, root.Clone()));
            }

            return TypedResults.Ok(new { data = new { result = "ok" } });
        }
    }

    /// <summary>
    /// transfer (https://developers.telnyx.com/api/call-control/transfer-call): <c>to</c> required, <c>timeout_secs</c>
    /// 5–600; send_dtmf (https://developers.telnyx.com/api/call-control/send-dtmf): <c>digits</c> of 0-9, A-D, *, #, w,
    /// W and <c>duration_millis</c> 100–500; reject (https://developers.telnyx.com/api/call-control/reject-call):
    /// <c>cause</c> required, <c>CALL_REJECTED</c> or <c>USER_BUSY</c>.
    /// </summary>
    private IResult? CheckAction(string action, JsonElement root)
    {
        switch (action)
        {
            case "transfer":
                if (!root.TryGetProperty("to", out var to) || to.ValueKind != JsonValueKind.String || to.GetString()!.Length == 0)
                {
                    return Refuse(StatusCodes.Status422UnprocessableEntity, "10015", "Invalid value for to");
                }

                return CheckTimeout(root);
            case "reject":
                return root.TryGetProperty("cause", out var cause) && cause.ValueKind == JsonValueKind.String
                    && cause.GetString() is "CALL_REJECTED" or "USER_BUSY"
                        ? null
                        : Refuse(StatusCodes.Status422UnprocessableEntity, "10015", "Invalid value for cause");
            case "send_dtmf":
                if (!root.TryGetProperty("digits", out var digits) || digits.ValueKind != JsonValueKind.String
                    || digits.GetString() is not { Length: > 0 } text || text.AsSpan().ContainsAnyExcept("0123456789ABCD*#wW"))
                {
                    return Refuse(StatusCodes.Status422UnprocessableEntity, "10015", "Invalid value for digits");
                }

                if (root.TryGetProperty("duration_millis", out var duration)
                    && !(duration.ValueKind == JsonValueKind.Number && duration.TryGetInt32(out var ms) && ms is >= 100 and <= 500))
                {
                    return Refuse(StatusCodes.Status422UnprocessableEntity, "10015", "Invalid value for duration_millis");
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary><c>timeout_secs</c> of dial and transfer: "Minimum value is 5 seconds. Maximum value is 600 seconds."</summary>
    private IResult? CheckTimeout(JsonElement root) =>
        root.TryGetProperty("timeout_secs", out var timeout)
        && !(timeout.ValueKind == JsonValueKind.Number && timeout.TryGetInt32(out var seconds) && seconds is >= 5 and <= 600)
            ? Refuse(StatusCodes.Status422UnprocessableEntity, "10015", "Invalid value for timeout_secs")
            : null;

    private IResult? CheckStream(JsonElement root, bool requireSamplingRate)
    {
        if (!root.TryGetProperty("stream_url", out var url) || url.ValueKind != JsonValueKind.String
            || !Uri.TryCreate(url.GetString(), UriKind.Absolute, out var streamUrl) || streamUrl.Scheme is not ("wss" or "ws"))
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, "10015", "Invalid value for stream_url");
        }

        if (root.TryGetProperty("stream_track", out var track) && !Tracks.Contains(track.GetString()))
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, "10015", "Invalid value for stream_track");
        }

        if (root.TryGetProperty("stream_codec", out var codec) && codec.GetString() is var c && c != "default" && !Codecs.Contains(c))
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, "10015", "Invalid value for stream_codec");
        }

        var mode = root.TryGetProperty("stream_bidirectional_mode", out var m) ? m.GetString() : null;
        if (mode is not (null or "mp3" or "rtp"))
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, "10015", "Invalid value for stream_bidirectional_mode");
        }

        if (root.TryGetProperty("stream_bidirectional_codec", out var bidirectional)
            && (mode != "rtp" || !Codecs.Contains(bidirectional.GetString())))
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, "10015", "Invalid value for stream_bidirectional_codec");
        }

        if (requireSamplingRate && !root.TryGetProperty("stream_bidirectional_sampling_rate", out _))
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, "10015", "Missing stream_bidirectional_sampling_rate");
        }

        return null;
    }

    private bool IsReplay(JsonElement root)
    {
        if (!root.TryGetProperty("command_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } commandId)
        {
            return false;
        }

        var now = _time.GetUtcNow();
        if (_commandIds.TryGetValue(commandId, out var seen) && now - seen < CommandIdMemory)
        {
            return true;
        }

        _commandIds[commandId] = now;
        return false;
    }

    private async Task<(JsonDocument? Body, IResult? Error)> ReadAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)
            || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..])), _apiKeyHash))
        {
            return (null, Refuse(StatusCodes.Status401Unauthorized, "10009", "Authentication failed"));
        }

        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return (null, Refuse(StatusCodes.Status415UnsupportedMediaType, "10015", "Content type must be application/json"));
        }

        try
        {
            var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                return (null, Refuse(StatusCodes.Status400BadRequest, "10015", "Body must be a JSON object"));
            }

            return (document, null);
        }
        catch (JsonException)
        {
            return (null, Refuse(StatusCodes.Status400BadRequest, "10015", "Malformed JSON"));
        }
    }

    private IResult Refuse(int status, string code, string title)
    {
        Interlocked.Increment(ref _refused);
        return TypedResults.Json(new { errors = new[] { new { code, title, detail = title } } }, statusCode: status);
    }

    private void Accept(FakeCommand command)
    {
        _accepted.Enqueue(command);
        _commands.Writer.TryWrite(command);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A Call Control command the fake API accepted.</summary>
/// <param name="Action"><c>dial</c>, <c>answer</c>, <c>hangup</c>, <c>transfer</c> or <c>send_dtmf</c>.</param>
public sealed record FakeCommand(string Action, string CallControlId, JsonElement Body)
{
    public string? String(string field) =>
        Body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
