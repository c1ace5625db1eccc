using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using PhoneBridge.Stream.Sfu.Models;
using PhoneBridge.Stream.Sfu.Signal;

namespace PhoneBridge.Stream.Sfu;

/// <summary>
/// The SFU's Twirp API (<c>POST {server.url}/stream.video.sfu.signal.SignalServer/{Method}</c>, binary protobuf,
/// <c>Authorization: Bearer &lt;sfu token&gt;</c>). Every attempt has a timeout; retries are bounded and only on
/// transport failures, 5xx/unavailable answers and 200s whose error says <c>should_retry</c>.
/// </summary>
internal sealed class SfuTwirpClient
{
    private const string ServicePath = "stream.video.sfu.signal.SignalServer/";
    private static readonly MediaTypeHeaderValue Protobuf = new("application/protobuf");

    private readonly HttpClient _http;
    private readonly string _baseUrl;
    private readonly string _token;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SfuTwirpClient(HttpClient http, string baseUrl, string token, TimeSpan timeout, TimeProvider time, ILogger logger)
    {
        _http = http;
        _baseUrl = baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/";
        _token = token;
        _timeout = timeout;
        _time = time;
        _logger = logger;
    }

    /// <summary>Attempts for idempotent RPCs.</summary>
    public int MaxAttempts { get; init; } = 3;

    public Task<SetPublisherResponse> SetPublisherAsync(SetPublisherRequest request, CancellationToken ct) =>
        CallAsync("SetPublisher", request, SetPublisherResponse.Parser, r => r.Error, ct);

    public Task<SendAnswerResponse> SendAnswerAsync(SendAnswerRequest request, CancellationToken ct) =>
        CallAsync("SendAnswer", request, SendAnswerResponse.Parser, r => r.Error, ct);

    public Task<ICETrickleResponse> IceTrickleAsync(ICETrickle request, CancellationToken ct) =>
        CallAsync("IceTrickle", request, ICETrickleResponse.Parser, r => r.Error, ct);

    public Task<UpdateSubscriptionsResponse> UpdateSubscriptionsAsync(UpdateSubscriptionsRequest request, CancellationToken ct) =>
        CallAsync("UpdateSubscriptions", request, UpdateSubscriptionsResponse.Parser, r => r.Error, ct);

    public Task<UpdateMuteStatesResponse> UpdateMuteStatesAsync(UpdateMuteStatesRequest request, CancellationToken ct) =>
        CallAsync("UpdateMuteStates", request, UpdateMuteStatesResponse.Parser, r => r.Error, ct);

    public Task<ICERestartResponse> IceRestartAsync(ICERestartRequest request, CancellationToken ct) =>
        CallAsync("IceRestart", request, ICERestartResponse.Parser, r => r.Error, ct);

    private async Task<TResponse> CallAsync<TResponse>(
        string method,
        IMessage request,
        MessageParser<TResponse> parser,
        Func<TResponse, Error?> errorOf,
        CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        var body = request.ToByteArray();
        for (var attempt = 1; ; attempt++)
        {
            Exception failure;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(_timeout);
                try
                {
                    using var message = new HttpRequestMessage(HttpMethod.Post, _baseUrl + ServicePath + method)
                    {
                        Content = new ByteArrayContent(body) { Headers = { ContentType = Protobuf } },
                    };
                    message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
                    using var response = await _http.SendAsync(message, timeout.Token).ConfigureAwait(false);
                    var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var parsed = parser.ParseFrom(bytes);
                        var error = errorOf(parsed);
                        if (error is null || error.Code == ErrorCode.Unspecified && string.IsNullOrEmpty(error.Message))
                        {
                            return parsed;
                        }

                        failure = new SfuErrorException(error.Code, error.Message, error.ShouldRetry);
                        if (!error.ShouldRetry || attempt >= MaxAttempts)
                        {
                            throw failure;
                        }
                    }
                    else
                    {
                        failure = ParseTwirpError(method, response.StatusCode, bytes);
                        if (!IsTransient(response.StatusCode) || attempt >= MaxAttempts)
                        {
                            throw failure;
                        }
                    }
                }
                catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = new TwirpException(method, "deadline_exceeded", $"no answer within {_timeout.TotalSeconds:0.#} s", null);
                    _ = e;
                    if (attempt >= MaxAttempts)
                    {
                        throw failure;
                    }
                }
                catch (HttpRequestException e)
                {
                    failure = new TwirpException(method, "unavailable", e.Message, e.StatusCode);
                    if (attempt >= MaxAttempts)
                    {
                        throw failure;
                    }
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new TwirpException(method, "malformed", e.Message, HttpStatusCode.OK);
                }
            }

            SfuTwirpClientLog.Retrying(_logger, method, attempt, failure.Message);
            var backoff = TimeSpan.FromMilliseconds((250 * attempt) + Random.Shared.Next(0, 100));
            await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout
            or HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError;

    private static TwirpException ParseTwirpError(string method, HttpStatusCode status, byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var code = json.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            var msg = json.RootElement.TryGetProperty("msg", out var m) ? m.GetString() : null;
            return new TwirpException(method, code ?? "unknown", msg ?? "", status);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return new TwirpException(method, "unknown", $"HTTP {(int)status} without a Twirp error body", status);
        }
    }
}
