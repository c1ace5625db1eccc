using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Http;
using PhoneBridge.Core.Registry;
using Polly.Timeout;

namespace PhoneBridge.Stream.Agents;

/// <summary>
/// Starts an agent for a call on a Vision Agents agent server (<c>POST /calls/{call_id}/sessions</c>) while the
/// provider is still opening the media socket, and closes it (<c>DELETE .../sessions/{session_id}</c>) when the
/// call ends. Used as the call registry's prepare step. Timeouts and retries are the resilience handler's
/// (<c>Agent:Http</c>): a start creates a session, so it is never sent twice; a close (DELETE) may be.
/// </summary>
public sealed class VisionAgentsLauncher
{
    private readonly HttpClient _http;
    private readonly IOptionsMonitor<AgentOptions> _options;
    private readonly IOptionsMonitor<StreamOptions> _stream;
    private readonly ILogger<VisionAgentsLauncher> _logger;

    public VisionAgentsLauncher(HttpClient http, IOptionsMonitor<AgentOptions> options, IOptionsMonitor<StreamOptions> stream, ILogger<VisionAgentsLauncher> logger)
    {
        _http = http;
        _options = options;
        _stream = stream;
        _logger = logger;
    }

    /// <summary>True when <c>Agent:ServerUrl</c> is set.</summary>
    public bool IsConfigured => _options.CurrentValue.ServerUrl is not null;

    /// <summary>The registry prepare step: launches the agent into the call's Stream call.</summary>
    public async Task<object?> PrepareAsync(CallInfo call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        // The registry named the Stream call once; the join uses the same name.
        return call.EdgeCall is { } named
            ? await StartSessionAsync(named.Type, named.Id, cancellationToken).ConfigureAwait(false)
            : await StartSessionAsync(StreamCallIds.For(call.CallId, _stream.CurrentValue), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the agent server to join <paramref name="streamCallId"/> of type <c>Stream:CallType</c>.</summary>
    public Task<AgentSession> StartSessionAsync(string streamCallId, CancellationToken cancellationToken) =>
        StartSessionAsync(_stream.CurrentValue.CallType, streamCallId, cancellationToken);

    /// <summary>Asks the agent server to join Stream call <paramref name="callType"/>:<paramref name="streamCallId"/>.</summary>
    public async Task<AgentSession> StartSessionAsync(string callType, string streamCallId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callType);
        ArgumentException.ThrowIfNullOrWhiteSpace(streamCallId);
        var options = _options.CurrentValue;
        var server = options.ServerUrl ?? throw new InvalidOperationException("Agent:ServerUrl is not configured.");
        var uri = new Uri(WithSlash(server), $"calls/{Uri.EscapeDataString(streamCallId)}/sessions");
        try
        {
            using var response = await _http.PostAsJsonAsync(uri, new StartSessionRequest(callType), AgentJsonContext.Default.StartSessionRequest, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
            {
                var detail = await ReadDetailAsync(response, cancellationToken).ConfigureAwait(false);
                VisionAgentsLauncherLog.StartRefused(_logger, streamCallId, (int)response.StatusCode, detail);
                throw new AgentLaunchException($"Agent server refused the session ({(int)response.StatusCode}): {detail}", response.StatusCode);
            }

            var body = await response.Content.ReadFromJsonAsync(AgentJsonContext.Default.StartSessionResponse, cancellationToken).ConfigureAwait(false);
            if (body is null || string.IsNullOrEmpty(body.SessionId))
            {
                throw new AgentLaunchException("Agent server answered without a session_id.", response.StatusCode);
            }

            VisionAgentsLauncherLog.Started(_logger, streamCallId, body.SessionId);
            return new AgentSession(this, callType, streamCallId, body.SessionId, body.SessionStartedAt);
        }
        catch (Exception e) when (e is TimeoutRejectedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new AgentLaunchException("Agent server did not answer in time.", null, e);
        }
        catch (HttpRequestException e)
        {
            throw new AgentLaunchException($"Agent server unreachable: {e.Message}", e.StatusCode, e);
        }
        catch (JsonException e)
        {
            throw new AgentLaunchException($"Agent server answered malformed JSON: {e.Message}", null, e);
        }
    }

    /// <summary>Asks the agent server to close a session; 404 (already gone) counts as closed.</summary>
    public async Task StopSessionAsync(AgentSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var options = _options.CurrentValue;
        var server = options.ServerUrl ?? throw new InvalidOperationException("Agent:ServerUrl is not configured.");
        var uri = new Uri(WithSlash(server), $"calls/{Uri.EscapeDataString(session.CallId)}/sessions/{Uri.EscapeDataString(session.SessionId)}");
        using var request = new HttpRequestMessage(HttpMethod.Delete, uri);
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
            {
                var tries = request.Attempts() > 1 ? $" after {request.Attempts()} tries" : string.Empty;
                throw new AgentLaunchException($"Agent server could not close the session ({(int)response.StatusCode}){tries}.", response.StatusCode);
            }

            VisionAgentsLauncherLog.Stopped(_logger, session.CallId, session.SessionId);
        }
        catch (Exception e) when (e is TimeoutRejectedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new AgentLaunchException("Agent server did not answer in time.", null, e);
        }
        catch (HttpRequestException e)
        {
            throw new AgentLaunchException($"Agent server unreachable: {e.Message}", e.StatusCode, e);
        }
    }

    internal async Task CloseQuietlyAsync(AgentSession session)
    {
        try
        {
            await StopSessionAsync(session, CancellationToken.None).ConfigureAwait(false);
        }
        catch (AgentLaunchException e)
        {
            // The server also closes idle agents on its own (60 s alone in a call), so this is not fatal.
            VisionAgentsLauncherLog.StopFailed(_logger, session.CallId, session.SessionId, e.Message);
        }
    }

    private static async Task<string> ReadDetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            using var json = JsonDocument.Parse(text);
            return json.RootElement.TryGetProperty("detail", out var d) ? d.ToString() : text;
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? "error";
        }
    }

    private static Uri WithSlash(Uri server) => server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
}

internal sealed record StartSessionRequest([property: JsonPropertyName("call_type")] string CallType);

internal sealed record StartSessionResponse(
    [property: JsonPropertyName("session_id")] string SessionId,
    [property: JsonPropertyName("call_id")] string? CallId,
    [property: JsonPropertyName("session_started_at")] DateTimeOffset? SessionStartedAt);

[JsonSerializable(typeof(StartSessionRequest))]
[JsonSerializable(typeof(StartSessionResponse))]
internal sealed partial class AgentJsonContext : JsonSerializerContext;
