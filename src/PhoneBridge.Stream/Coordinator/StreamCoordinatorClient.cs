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
/// resilience handler's (<c>Stream:Http</c>): user writes (partial updates and upserts), get-or-create and joins may be
/// sent again, custom events not.
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

    /// <summary>
    /// Updates fields of existing users (<c>PATCH /api/v2/users</c>, server token), keeping every field not named.
    /// A user that does not exist is an error (<see cref="IsUnknownUser"/>), which this client does not log: whoever
    /// asked decides whether that is expected.
    /// </summary>
    public Task UpdateUsersPartialAsync(IReadOnlyList<StreamUserPartialUpdate> users, CancellationToken cancellationToken) =>
        SendAsync("api/v2/users", new UpdateUsersPartialRequest(users), CoordinatorJsonContext.Default.UpdateUsersPartialRequest,
            CoordinatorJsonContext.Default.JsonElement, _tokens.CreateServerToken(), idempotent: true, cancellationToken, HttpMethod.Patch, IsUnknownUser);

    /// <summary>
    /// Writes user <paramref name="id"/>'s name and the custom fields in <paramref name="custom"/> with a partial
    /// update, so custom data someone else wrote on the user stays; only a user that does not exist yet is created,
    /// with the upsert (role <c>user</c>).
    /// </summary>
    public async Task SetUserAsync(string id, string name, Dictionary<string, JsonElement>? custom, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var set = custom is null
            ? new Dictionary<string, JsonElement>(StringComparer.Ordinal)
            : new Dictionary<string, JsonElement>(custom, StringComparer.Ordinal);
        set["name"] = JsonSerializer.SerializeToElement(name, CoordinatorJsonContext.Default.String);
        try
        {
            await UpdateUsersPartialAsync([new StreamUserPartialUpdate(id, set)], cancellationToken).ConfigureAwait(false);
        }
        catch (StreamApiException e) when (IsUnknownUser(e))
        {
            // Two writers may both get here for a new user (the early join and the first call event): both upsert
            // the same fields, and nobody else has written on a user that did not exist a moment ago.
            await UpsertUsersAsync([new StreamUserRequest(id, name, "user", custom)], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether Stream refused a partial update because the user does not exist: "does not exist" (code 16), a 404, or
    /// an input error (code 4) that is not about a name that "already exists". Stream does not document the answer for
    /// an unknown user, so this errs towards creating the user: guessed too narrowly, every new phone user's join would
    /// fail; guessed too widely, an upsert follows a partial update that failed for another input reason, which the
    /// upsert then refuses for the same reason in all but rare cases.
    /// </summary>
    public static bool IsUnknownUser(StreamApiException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code == 16
            || error.StatusCode == System.Net.HttpStatusCode.NotFound
            || (error.Code == 4 && !error.ApiMessage.Contains("already exist", StringComparison.OrdinalIgnoreCase));
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

    /// <summary>
    /// Whether the coordinator answers this client: <c>GET /api/v2/app</c> (the app's settings; read-only, server
    /// token) against the same base URL and credentials as every other request, sent once (no retries: the health
    /// check asks again). Returns the HTTP status; throws <see cref="HttpRequestException"/> when it cannot be reached.
    /// </summary>
    public async Task<System.Net.HttpStatusCode> GetAppStatusAsync(CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var apiKey = options.ApiKey ?? throw new InvalidOperationException("Stream:ApiKey is not configured.");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(WithTrailingSlash(options.BaseUrl), "api/v2/app?api_key=" + Uri.EscapeDataString(apiKey)));
        request.Headers.TryAddWithoutValidation("Authorization", _tokens.CreateServerToken());
        request.Headers.TryAddWithoutValidation("stream-auth-type", "jwt");
        request.Headers.TryAddWithoutValidation("X-Stream-Client", "phonebridge-dotnet");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        return response.StatusCode;
    }

    private static string CallPath(string callType, string callId) =>
        $"api/v2/video/call/{Uri.EscapeDataString(callType)}/{Uri.EscapeDataString(callId)}";

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        string path,
        TRequest body,
        JsonTypeInfo<TRequest> requestInfo,
        JsonTypeInfo<TResponse> responseInfo,
        string jwt,
        bool idempotent,
        CancellationToken cancellationToken,
        HttpMethod? method = null,
        Func<StreamApiException, bool>? expectedError = null)
    {
        var options = _options.CurrentValue;
        var apiKey = options.ApiKey ?? throw new InvalidOperationException("Stream:ApiKey is not configured.");
        var uri = new Uri(WithTrailingSlash(options.BaseUrl), path + "?api_key=" + Uri.EscapeDataString(apiKey));
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, uri)
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
                if (!CallerLogsErrorsFlag.Value && expectedError?.Invoke(error) != true)
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
