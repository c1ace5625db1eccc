using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace PhoneBridge.Core.Http;

public static class HttpResilienceExtensions
{
    /// <summary>
    /// Adds the resilience handler to an HTTP client: a total timeout around retries (idempotent requests only,
    /// on 5xx, 408, 429, connection failures and attempt timeouts; exponential backoff with jitter; Retry-After
    /// honoured) around a per-attempt timeout. Settings come from <see cref="HttpResilienceOptions"/> bound to
    /// <paramref name="section"/> and validated on start; the client's own <see cref="HttpClient.Timeout"/> is
    /// lifted so the pipeline alone decides.
    /// </summary>
    public static IHttpClientBuilder AddPhoneBridgeResilience(this IHttpClientBuilder builder, string section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        builder.Services.AddOptions<HttpResilienceOptions>(section)
            .BindConfiguration(section)
            .Validate(o => o.Validate(section).Count == 0, $"{section} is invalid: AttemptTimeout > 0, TotalTimeout >= AttemptTimeout, MaxRetryAttempts 0-10, RetryDelay 0-1 min.")
            .ValidateOnStart();
        builder.ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler(section, (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<HttpResilienceOptions>>().Get(section);
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HttpResilienceExtensions));
            if (context.ServiceProvider.GetService<TimeProvider>() is { } time)
            {
                pipeline.TimeProvider = time;
            }

            pipeline
                .AddTimeout(new HttpTimeoutStrategyOptions { Name = "Total", Timeout = options.TotalTimeout })
                .AddRetry(RetryOptions(section, options, logger))
                .AddTimeout(new HttpTimeoutStrategyOptions { Name = "Attempt", Timeout = options.AttemptTimeout });
        });
        return builder;
    }

    private static HttpRetryStrategyOptions RetryOptions(string section, HttpResilienceOptions options, ILogger logger)
    {
        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(options.MaxRetryAttempts, 1),
            Delay = options.RetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(
                options.MaxRetryAttempts > 0
                && HttpClientResiliencePredicates.IsTransient(args.Outcome)
                && args.Context.GetRequestMessage() is { } request
                && request.IsIdempotent()),
            OnRetry = args =>
            {
                if (args.Context.GetRequestMessage() is { } request)
                {
                    IdempotentRequest.SetAttempts(request, args.AttemptNumber + 2);
                }

                HttpResilienceExtensionsLog.Retrying(logger, section, args.AttemptNumber + 1, Describe(args.Outcome), args.RetryDelay.TotalMilliseconds);
                return ValueTask.CompletedTask;
            },
        };
        return retry;
    }

    // Status or exception type only: messages and URLs may carry keys or numbers.
    private static string Describe(Outcome<HttpResponseMessage> outcome) => outcome.Result is { } response
        ? $"HTTP {(int)response.StatusCode}"
        : outcome.Exception is HttpRequestException { HttpRequestError: var error } ? $"connection error ({error})"
        : outcome.Exception?.GetType().Name ?? "unknown";
}
