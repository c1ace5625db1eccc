namespace PhoneBridge.Core.Http;

/// <summary>
/// Marks a request as safe to send again. GET, HEAD, OPTIONS, PUT and DELETE are idempotent by HTTP; a POST is only
/// when the API deduplicates it (Telnyx <c>command_id</c>) or it only reads or joins (Stream's coordinator).
/// </summary>
public static class IdempotentRequest
{
    private static readonly HttpRequestOptionsKey<bool> Key = new("PhoneBridge.Idempotent");
    private static readonly HttpRequestOptionsKey<int> AttemptsKey = new("PhoneBridge.Attempts");

    public static HttpRequestMessage MarkIdempotent(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(Key, true);
        return request;
    }

    public static bool IsIdempotent(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options
            || request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete)
        {
            return true;
        }

        return request.Options.TryGetValue(Key, out var marked) && marked;
    }

    /// <summary>How many tries the resilience handler made for <paramref name="request"/> (1 when it was not retried).</summary>
    public static int Attempts(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Options.TryGetValue(AttemptsKey, out var attempts) ? attempts : 1;
    }

    internal static void SetAttempts(HttpRequestMessage request, int attempts) => request.Options.Set(AttemptsKey, attempts);
}
