using System.Net.Http.Headers;
using System.Text.Json;

namespace PhoneBridge.Simulator.Load;

/// <summary>The figures the load test reads from the server's <c>GET /stats</c>.</summary>
/// <param name="FramesFromPhone">20 ms frames the bridge has taken from phones since start, when the server reports it.</param>
/// <param name="JitTimeMs">Time the server's JIT has spent compiling since start, when the server reports it.</param>
public sealed record ServerStats(double ProcessCpuMs, int ActiveCalls, long? FramesFromPhone = null, double? JitTimeMs = null)
{
    /// <summary>Reads <c>GET /stats</c>; null when the server has no stats endpoint, refuses the key or cannot be reached.</summary>
    public static async Task<ServerStats?> TryGetAsync(HttpClient http, Uri server, string? apiKey, CancellationToken cancellationToken) =>
        (await ReadAsync(http, server, apiKey, cancellationToken).ConfigureAwait(false)).Stats;

    /// <summary>
    /// Reads <c>GET /stats</c>, telling a server that answered without figures (no endpoint, wrong key) from one
    /// that did not answer at all: a load run goes on after the server is gone, to report what it measured.
    /// </summary>
    public static async Task<ServerStatsReading> ReadAsync(HttpClient http, Uri server, string? apiKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, "/stats"));
        if (!string.IsNullOrEmpty(apiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new ServerStatsReading(null, null);
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return new ServerStatsReading(Parse(body), null);
        }
        catch (HttpRequestException ex)
        {
            return new ServerStatsReading(null, ex.Message);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient's own timeout: the server holds the connection but no longer answers.
            return new ServerStatsReading(null, ex.Message);
        }
        catch (JsonException)
        {
            return new ServerStatsReading(null, null);
        }
    }

    /// <summary>Reads <c>processCpuMs</c> and <c>activeCalls</c> from the top-level object; null if either is missing.</summary>
    public static ServerStats? Parse(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        double? cpu = null;
        int? active = null;
        long? frames = null;
        double? jit = null;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.NameEquals("processCpuMs") && property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var c))
            {
                cpu = c;
            }
            else if (property.NameEquals("activeCalls") && property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var a))
            {
                active = a;
            }
            else if (property.NameEquals("framesFromPhone") && property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out var f))
            {
                frames = f;
            }
            else if (property.NameEquals("jitTimeMs") && property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var j))
            {
                jit = j;
            }
        }

        return cpu is null || active is null ? null : new ServerStats(cpu.Value, active.Value, frames, jit);
    }
}
