using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Threading.Channels;

namespace PhoneBridge.Telnyx.Tests.Rest;

/// <summary>
/// A fake of Telnyx Call Control: answers HTTP requests with queued responses and keeps what was sent. A request that
/// is not as Telnyx documents it (<see cref="CallControlDocs"/>) gets Telnyx's 422 with code 10015 instead, leaving
/// the queued response for the next one.
/// </summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    /// <summary>Code of the 422 the fake answers an undocumented request with (Telnyx: "Invalid value").</summary>
    public const string InvalidRequestCode = "10015";

    private readonly ConcurrentQueue<(HttpStatusCode Status, string Body, TimeSpan? RetryAfter, bool Stall)> _responses = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Channel<RecordedRequest> _arrivals = Channel.CreateUnbounded<RecordedRequest>();

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    public RecordingHandler Respond(HttpStatusCode status, string body, TimeSpan? retryAfter = null)
    {
        _responses.Enqueue((status, body, retryAfter, false));
        return this;
    }

    /// <summary>The next request gets no answer until the caller gives up on it.</summary>
    public RecordingHandler Stall()
    {
        _responses.Enqueue((HttpStatusCode.OK, "", null, true));
        return this;
    }

    /// <summary>The next request sent, waiting for it if needed.</summary>
    public async Task<RecordedRequest> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        return await _arrivals.Reader.ReadAsync(cts.Token);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body);
        _requests.Enqueue(recorded);
        _arrivals.Writer.TryWrite(recorded);
        if (CallControlDocs.Check(request.Method, request.RequestUri!, body) is { } invalid)
        {
            var error = System.Text.Json.JsonSerializer.Serialize(new { errors = new[] { new { code = InvalidRequestCode, title = "Invalid value", detail = invalid } } });
            return new HttpResponseMessage(HttpStatusCode.UnprocessableEntity) { Content = new StringContent(error, Encoding.UTF8, "application/json") };
        }

        var (status, responseBody, retryAfter, stall) = _responses.TryDequeue(out var queued)
            ? queued
            : (HttpStatusCode.OK, """{"data":{"result":"ok"}}""", null, false);
        if (stall)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        var response = new HttpResponseMessage(status) { Content = new StringContent(responseBody, Encoding.UTF8, "application/json") };
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
        }

        return response;
    }
}

internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Authorization, string Body);
