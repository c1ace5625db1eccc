using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using PhoneBridge.Simulator.Measurement;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Simulator.Load;

/// <summary>
/// How long a call's control request takes when it reaches the instance holding the call, and when it reaches another
/// instance that forwards it to the owner: places calls through the owner, then sends the same request alternately to
/// the owner and to the other instance, one at a time, and keeps both sides' latencies.
/// </summary>
public static class RoutedRequestRunner
{
    public static async Task<RoutedRequestReport> RunAsync(HttpClient http, RoutedRequestOptions options, TimeProvider time, Action<string> say, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(say);
        var calls = new List<TwilioMediaCall>();
        var owner = new LatencySamples();
        var routed = new LatencySamples();
        var failures = 0;
        string? firstFailure = null;
        try
        {
            for (var i = 0; i < options.Calls; i++)
            {
                calls.Add(await TwilioPhone.DialAsync(http, options.Caller, time, null, cancellationToken).ConfigureAwait(false));
            }

            say($"{calls.Count} calls up on {options.Caller.Server}; {options.RequestsPerCall} {options.Request} requests per call on each side");
            var callIds = calls.Select(c => c.Stream.Url.Segments[^2].TrimEnd('/')).ToArray();

            // The first request of each side pays for connections and JIT: not counted.
            await SendAsync(http, options, options.Caller.Server, callIds[0], cancellationToken).ConfigureAwait(false);
            await SendAsync(http, options, options.Other, callIds[0], cancellationToken).ConfigureAwait(false);
            for (var round = 0; round < options.RequestsPerCall; round++)
            {
                foreach (var callId in callIds)
                {
                    // Alternating, so a slow moment of the machine falls on both sides alike.
                    foreach (var (server, samples) in new[] { (options.Caller.Server, owner), (options.Other, routed) })
                    {
                        var started = time.GetTimestamp();
                        var status = await SendAsync(http, options, server, callId, cancellationToken).ConfigureAwait(false);
                        if (status is >= 200 and < 300)
                        {
                            samples.Add(time.GetElapsedTime(started));
                        }
                        else
                        {
                            failures++;
                            firstFailure ??= $"{(int)status} from {server} for {callId}";
                        }
                    }
                }
            }
        }
        finally
        {
            foreach (var call in calls)
            {
                await call.DisposeAsync().ConfigureAwait(false);
            }
        }

        return new RoutedRequestReport(options.Request, calls.Count, owner, routed, failures, firstFailure);
    }

    private static async Task<int> SendAsync(HttpClient http, RoutedRequestOptions options, Uri server, string callId, CancellationToken cancellationToken)
    {
        var path = new Uri(server, options.Request == RoutedRequestKind.Dtmf ? $"calls/{callId}/dtmf" : $"calls/{callId}");
        using var request = new HttpRequestMessage(options.Request == RoutedRequestKind.Dtmf ? HttpMethod.Post : HttpMethod.Get, path);
        if (options.Request == RoutedRequestKind.Dtmf)
        {
            // The shortest tone the API takes, so the call's tone queue keeps up with one request at a time.
            request.Content = JsonContent.Create(new { digits = "1", toneMs = PhoneBridge.Core.Calls.CallInput.MinToneMs });
        }

        if (options.ApiKey is { } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        return (int)response.StatusCode;
    }
}

/// <summary>Which control request <see cref="RoutedRequestRunner"/> times.</summary>
public enum RoutedRequestKind
{
    /// <summary><c>GET /calls/{callId}</c>.</summary>
    Get,

    /// <summary><c>POST /calls/{callId}/dtmf</c> with one digit.</summary>
    Dtmf,
}

/// <summary>What <see cref="RoutedRequestRunner"/> does: calls placed through <see cref="Caller"/>'s server (the owner), requests also sent to <see cref="Other"/>.</summary>
public sealed record RoutedRequestOptions
{
    public required TwilioCallerOptions Caller { get; init; }

    /// <summary>The other instance, which forwards each request to the owner.</summary>
    public required Uri Other { get; init; }

    public string? ApiKey { get; init; }

    public int Calls { get; init; } = 5;

    public int RequestsPerCall { get; init; } = 20;

    public RoutedRequestKind Request { get; init; } = RoutedRequestKind.Get;
}

/// <summary>The latencies of the requests that reached the owner directly and of those routed through the other instance.</summary>
public sealed record RoutedRequestReport(RoutedRequestKind Request, int Calls, LatencySamples Owner, LatencySamples Routed, int Failures, string? FirstFailure)
{
    public IEnumerable<string> Lines()
    {
        yield return $"routed {Request} requests, {Calls} calls: {Owner.Count} to the owner, {Routed.Count} through the other instance, {Failures} failed" + (FirstFailure is null ? "" : $" (first: {FirstFailure})");
        yield return Line("owner  ", Owner);
        yield return Line("routed ", Routed);
        if (Owner.Percentile(50) is { } o && Routed.Percentile(50) is { } r)
        {
            yield return $"routing adds {(r - o).TotalMilliseconds:0.00} ms at p50";
        }
    }

    private static string Line(string name, LatencySamples samples) =>
        $"{name} p50 {Ms(samples.Percentile(50))} p99 {Ms(samples.Percentile(99))} max {Ms(samples.Max)}";

    private static string Ms(TimeSpan? value) => value is { } v ? v.TotalMilliseconds.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " ms" : "-";
}
