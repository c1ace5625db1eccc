using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Http;
using PhoneBridge.Stream.Auth;
using Polly.Timeout;

namespace PhoneBridge.Stream.Coordinator;

/// <summary>
/// Stream's coordinator REST API: <c>api_key</c> query, bare JWT in <c>Authorization</c> (no "Bearer"),
/// <c>stream-auth-type: jwt</c>. Non-2xx answers become <see cref="StreamApiException"/>. Timeouts and retries are the
/// resilience handler's (<c>Stream:Http</c>): user upserts, get-or-create and joins may be sent again, custom events not.
/// </summary>
public sealed class StreamCoordinatorClient
{
    // Set by a caller that logs failures itself, once per stretch (the call-event sender), for its async flow.
    private static readonly AsyncLocal<bool> CallerLogsErrorsFlag = new();

    private readonly HttpClient _http;
    private readonly StreamTokenFactory _tokens;
    private readonly IOptionsMonitor<StreamOptions> _options;
    private readonly ILogger<StreamCoordinatorClient> _logger;

    public StreamCoordinatorClient(HttpClient http, StreamTokenFactory tokens, IOptionsMonitor<StreamOptions> options, ILogger<StreamCoordinatorClient> logger)
    {
        _http = http;
        _tokens = tokens;
        _options = options;
        _logger = logger;
    }

    /// <summary>Creates or updates users (<c>POST /api/v2/users</c>, server token).</summary>
    public Task UpsertUsersAsync(IReadOnlyList<StreamUserRequest> users, CancellationToken cancellationToken)
    {
        var map = users.ToDictionary(u => u.Id, StringComparer.Ordinal);
        return SendAsync("api/v2/users", new UpdateUsersRequest(map), CoordinatorJsonContext.Default.UpdateUsersRequest,
            CoordinatorJsonContext.Default.JsonElement, _tokens.CreateServerToken(), idempotent: true, cancellationToken);
    }

    /// <summary>Gets or creates a call (<c>POST /api/v2/video/call/{type}/{id}</c>, server token).</summary>
    public Task<GetOrCreateCallResponse> GetOrCreateCallAsync(string callType, string callId, string createdById, CancellationToken cancellationToken) =>
        SendAsync(CallPath(callType, callId), new GetOrCreateCallRequest(new CallRequest(createdById)),
            CoordinatorJsonContext.Default.GetOrCreateCallRequest, CoordinatorJsonContext.Default.GetOrCreateCallResponse,
            _tokens.CreateServerToken(), idempotent: true, cancellationToken);

    /// <summary>Joins a call as <paramref name="userId"/> (<c>/join</c> with a user token) and returns the SFU credentials.</summary>
    public async Task<JoinCallResponse> JoinCallAsync(string callType, string callId, string userId, JoinCallOptions join, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var request = new JoinCallRequest(options.Location, join.Create, join.MigratingFrom,
            join.MigratingFromList is { Count: > 0 } list ? list : null);
        var response = await SendAsync(CallPath(callType, callId) + "/join", request,
            CoordinatorJsonContext.Default.JoinCallRequest, CoordinatorJsonContext.Default.JoinCallResponse,
            _tokens.CreateUserToken(userId, options.UserTokenLifetime), idempotent: true, cancellationToken).ConfigureAwait(false);
        if (response.Credentials?.Server is null || string.IsNullOrEmpty(response.Credentials.Token)
            || !Uri.TryCreate(response.Credentials.Server.WsEndpoint, UriKind.Absolute, out _)
            || !Uri.TryCreate(response.Credentials.Server.Url, UriKind.Absolute, out _))
        {
            throw new StreamApiException("Stream /join answered without usable SFU credentials.");
        }

        StreamCoordinatorClientLog.Joined(_logger, callType, callId, response.Credentials.Server.EdgeName);
        return response;
    }

    /// <summary>Sends a <c>custom</c> event to everyone in the call (server token, on behalf of <paramref name="userId"/>).</summary>
    public Task SendCustomEventAsync(string callType, string callId, string userId, Dictionary<string, JsonElement> custom, CancellationToken cancellationToken) =>
        SendAsync(CallPath(callType, callId) + "/event", new SendCallEventRequest(userId, custom),
            CoordinatorJsonContext.Default.SendCallEventRequest, CoordinatorJsonContext.Default.JsonElement,
            _tokens.CreateServerToken(), idempotent: false, cancellationToken);

    /// <summary>
    /// From here on in the current async flow, error answers are not logged by this client (4601): the caller logs
    /// them itself, without repeating one line per request while the coordinator keeps failing.
    /// </summary>
    internal static void CallerLogsErrors() => CallerLogsErrorsFlag.Value = true;

    private static string CallPath(string callType, string callId) =>
        $"api/v2/video/call/{Uri.EscapeDataString(callType)}/{Uri.EscapeDataString(callId)}";

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        string path,
        TRequest body,
        JsonTypeInfo<TRequest> requestInfo,
        JsonTypeInfo<TResponse> responseInfo,
        string jwt,
        bool idempotent,
        CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var apiKey = options.ApiKey ?? throw new InvalidOperationException("Stream:ApiKey is not configured.");
        var uri = new Uri(WithTrailingSlash(options.BaseUrl), path + "?api_key=" + Uri.EscapeDataString(apiKey));
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = JsonContent.Create(body, requestInfo),
        };
        request.Headers.TryAddWithoutValidation("Authorization", jwt);
        request.Headers.TryAddWithoutValidation("stream-auth-type", "jwt");
        request.Headers.TryAddWithoutValidation("X-Stream-Client", "phonebridge-dotnet");
        if (idempotent)
        {
            request.MarkIdempotent();
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutRejectedException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new StreamApiException($"Stream request {path} timed out{AfterTries(request)}.", e);
        }
        catch (HttpRequestException e)
        {
            throw new StreamApiException($"Stream request {path} failed{AfterTries(request)}: {e.Message}", e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var error = await ReadErrorAsync(response, request.Attempts(), cancellationToken).ConfigureAwait(false);
                if (!CallerLogsErrorsFlag.Value)
                {
                    StreamCoordinatorClientLog.ApiError(_logger, path, (int)response.StatusCode, error.Code, error.ApiMessage);
                }
                throw error;
            }

            try
            {
                return await response.Content.ReadFromJsonAsync(responseInfo, cancellationToken).ConfigureAwait(false)
                    ?? throw new StreamApiException($"Stream request {path} returned an empty body.");
            }
            catch (JsonException e)
            {
                throw new StreamApiException($"Stream request {path} returned malformed JSON: {e.Message}", e);
            }
        }
    }

    private static string AfterTries(HttpRequestMessage request) =>
        request.Attempts() > 1 ? $" after {request.Attempts()} tries" : string.Empty;

    private static async Task<StreamApiException> ReadErrorAsync(HttpResponseMessage response, int attempts, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync(CoordinatorJsonContext.Default.StreamErrorBody, cancellationToken).ConfigureAwait(false);
            if (body is not null)
            {
                return new StreamApiException(body.Code, body.Message ?? response.ReasonPhrase ?? "error", response.StatusCode, body.MoreInfo, attempts);
            }
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            // Not Stream's error envelope (e.g. a proxy's HTML page): fall through to the HTTP status.
        }

        return new StreamApiException(-1, response.ReasonPhrase ?? "error", response.StatusCode, null, attempts);
    }

    private static Uri WithTrailingSlash(Uri baseUrl) =>
        baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
}
