using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace PhoneBridge.Twilio.Rest;

/// <summary>
/// The resilience pipeline of the Twilio REST <see cref="HttpClient"/>: a total timeout, retries of transient
/// failures for requests that are safe to send twice, and a timeout on every attempt.
/// </summary>
/// <remarks>
/// Twilio's REST API uses POST for both creating and updating a call, so the HTTP method alone cannot tell what
/// may be repeated. A request is retried only when it is a GET/HEAD or its sender marked it with
/// <see cref="RetrySafe"/>. Creating a call (<c>POST …/Calls.json</c>) is never marked: a lost answer does not
/// mean Twilio did not dial, and a retry would ring the callee twice. A hangup (<c>Status=completed</c>) is marked:
/// sent again it leaves the call in the same state (ended, or 20404 when it already was). A redirect or transfer
/// (new TwiML) is not: sent again it restarts the new TwiML, dialling the transfer target again.
/// </remarks>
internal static class TwilioHttpResilience
{
    /// <summary>Set to true on a request that leaves Twilio in the same state however often it arrives.</summary>
    public static readonly HttpRequestOptionsKey<bool> RetrySafe = new("PhoneBridge.Twilio.RetrySafe");

    /// <summary>Time allowed to one attempt; Twilio answers REST requests in well under a second.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed to a request with all its retries; what <c>HttpClient.Timeout</c> was before.</summary>
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(30);

    public const int MaxRetries = 2;

    public static IHttpResiliencePipelineBuilder AddTwilioResilience(this IHttpClientBuilder builder) =>
        builder.AddResilienceHandler("twilio-rest", static pipeline =>
        {
            pipeline.AddTimeout(TotalTimeout);
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(500),
                ShouldHandle = static args => ValueTask.FromResult(
                    IsRetrySafe(args.Context.GetRequestMessage())
                    && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
            });
            pipeline.AddTimeout(AttemptTimeout);
        });

    /// <summary>Whether sending <paramref name="request"/> twice has the effect of sending it once.</summary>
    public static bool IsRetrySafe(HttpRequestMessage? request) =>
        request is not null
        && (request.Method == HttpMethod.Get
            || request.Method == HttpMethod.Head
            || (request.Options.TryGetValue(RetrySafe, out var safe) && safe));
}
