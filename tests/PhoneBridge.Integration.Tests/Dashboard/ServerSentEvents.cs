using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace PhoneBridge.Integration.Tests.Dashboard;

/// <summary>Reads a text/event-stream response into (event, data) pairs as they arrive, with their arrival time.</summary>
internal sealed class ServerSentEvents : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Channel<(string Event, JsonElement Data, DateTime At)> _events = Channel.CreateUnbounded<(string, JsonElement, DateTime)>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    public ServerSentEvents(HttpResponseMessage response)
    {
        _response = response;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Completes (or faults) when the server ends the stream.</summary>
    public Task Ended => _reader;

    /// <summary>The next event; fails after <paramref name="within"/>.</summary>
    public async Task<(string Event, JsonElement Data, DateTime At)> NextAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        return await _events.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Events until one matches; returns it.</summary>
    public async Task<(string Event, JsonElement Data, DateTime At)> UntilAsync(Func<string, JsonElement, bool> match, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"Timed out waiting for {what}.");
            (string Event, JsonElement Data, DateTime At) next;
            try
            {
                next = await NextAsync(left).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for {what}.");
                throw;
            }

            if (match(next.Event, next.Data))
            {
                return next;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _response.Dispose();
        try
        {
            await _reader.ConfigureAwait(false);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }

        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        await using var stream = await _response.Content.ReadAsStreamAsync(_stop.Token).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null && data.Length > 0)
                {
                    using var json = JsonDocument.Parse(data.ToString());
                    _events.Writer.TryWrite((name, json.RootElement.Clone(), DateTime.UtcNow));
                }

                name = null;
                data.Clear();
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }

        _events.Writer.TryComplete();
    }
}
