using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Phone;
using PhoneBridge.Testing.Net;

namespace PhoneBridge.Core.Tests.Phone;

/// <summary>A <see cref="TestPhoneStream"/> on one end of an in-memory WebSocket and a scripted provider on the other.</summary>
internal sealed class PhoneSocketPair : IAsyncDisposable
{
    public const string CallId = "call-1";

    private readonly CancellationTokenSource _cancel = new();

    private PhoneSocketPair(TestPhoneStream stream, WebSocket client, WebSocket server, ListLogger<TestPhoneStream> logs)
    {
        Stream = stream;
        Client = client;
        Server = server;
        Logs = logs;
        Run = Stream.RunAsync(Handler, _cancel.Token);
    }

    public TestPhoneStream Stream { get; }

    public WebSocket Client { get; }

    public WebSocket Server { get; }

    public ListLogger<TestPhoneStream> Logs { get; }

    public RecordingPhoneHandler Handler { get; } = new();

    public Task Run { get; }

    /// <param name="pauseWriterThreshold">Bytes buffered towards the peer before the stream's sends wait.</param>
    public static PhoneSocketPair Create(
        int maxMessageBytes = 4096,
        int sendQueueCapacity = 64,
        TimeSpan? closeTimeout = null,
        TimeSpan? startTimeout = null,
        TimeProvider? time = null,
        Func<string, CancellationToken, Task>? hangUpCall = null,
        long pauseWriterThreshold = 1024 * 1024)
    {
        var (serverStream, clientStream) = DuplexPipeStream.CreatePair(pauseWriterThreshold);
        var server = WebSocket.CreateFromStream(serverStream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        var client = WebSocket.CreateFromStream(clientStream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        var logs = new ListLogger<TestPhoneStream>();
        var stream = new TestPhoneStream(server, logs, maxMessageBytes, sendQueueCapacity, closeTimeout, startTimeout, time, hangUpCall);
        return new PhoneSocketPair(stream, client, server, logs);
    }

    public IEnumerable<(LogLevel Level, EventId Id, string Message, Exception? Exception)> WithEventId(int id) =>
        Logs.Entries.Where(e => e.EventId.Id == id).Select(e => (e.Level, e.EventId, e.Message, e.Exception));

    public Task SendAsync(string text) =>
        Client.SendAsync(new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes(text)), WebSocketMessageType.Text, true, Timeout()).AsTask();

    public Task StartAsync() => SendAsync("start:" + CallId);

    /// <summary>Next message from the stream: its text, or null and the close status when it closed.</summary>
    public async Task<(string? Text, WebSocketCloseStatus? Close)> ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        var count = 0;
        while (true)
        {
            var result = await Client.ReceiveAsync(buffer.AsMemory(count), Timeout());
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (null, Client.CloseStatus);
            }

            count += result.Count;
            if (result.EndOfMessage)
            {
                return (Encoding.UTF8.GetString(buffer, 0, count), null);
            }
        }
    }

    public async Task<string> ReceiveTextAsync()
    {
        var (text, close) = await ReceiveAsync();
        Assert.True(text is not null, $"expected a message, got close {close}");
        return text;
    }

    public async Task<WebSocketCloseStatus?> ReceiveCloseAsync()
    {
        while (true)
        {
            var (text, close) = await ReceiveAsync();
            if (text is null)
            {
                return close;
            }
        }
    }

    public void Cancel() => _cancel.Cancel();

    public async ValueTask DisposeAsync()
    {
        _cancel.Cancel();
        Client.Abort();
        try
        {
            await Run.WaitAsync(TestTimeouts.Wait);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or PhoneStreamTimeoutException)
        {
        }

        await Stream.DisposeAsync();
        Client.Dispose();
        Server.Dispose();
        _cancel.Dispose();
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TestTimeouts.Wait).Token;
}
