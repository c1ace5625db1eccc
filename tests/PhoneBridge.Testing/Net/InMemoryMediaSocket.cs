using System.Net.WebSockets;
using System.Text;
using PhoneBridge.Core.Phone;

namespace PhoneBridge.Testing.Net;

/// <summary>
/// A phone stream on the server end of an in-memory WebSocket and the test, playing the provider, on the client end.
/// The provider tests (per protocol) and the shared stream's tests (the base class) each add their messages.
/// </summary>
public abstract class InMemoryMediaSocket<TStream> : IAsyncDisposable
    where TStream : WebSocketPhoneStream
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly TimeSpan _wait;

    /// <param name="wait">How long any one send, receive or the final stop may take before the test fails.</param>
    protected InMemoryMediaSocket(TStream stream, WebSocket client, WebSocket server, IPhoneStreamHandler handler, TimeSpan wait)
    {
        Stream = stream;
        Client = client;
        Server = server;
        _wait = wait;
        Run = stream.RunAsync(handler, _cancel.Token);
    }

    public TStream Stream { get; }

    public WebSocket Client { get; }

    public WebSocket Server { get; }

    /// <summary>The stream's receive loop.</summary>
    public Task Run { get; }

    /// <param name="pauseWriterThreshold">Bytes buffered towards the provider before the stream's sends wait (a provider that stops reading).</param>
    protected static (WebSocket Server, WebSocket Client) CreateSockets(long pauseWriterThreshold)
    {
        var (serverStream, clientStream) = DuplexPipeStream.CreatePair(pauseWriterThreshold);
        return (
            WebSocket.CreateFromStream(serverStream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero }),
            WebSocket.CreateFromStream(clientStream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero }));
    }

    public Task SendAsync(string text, bool endOfMessage = true) =>
        Client.SendAsync(new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes(text)), WebSocketMessageType.Text, endOfMessage, Timeout()).AsTask();

    /// <summary>Next message from the stream: its text, or null and the close status when it closed.</summary>
    public async Task<(string? Text, WebSocketCloseStatus? Close)> ReceiveAsync()
    {
        var buffer = new byte[256 * 1024];
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
        return text ?? throw new InvalidOperationException($"Expected a message, but the stream closed the socket ({close}).");
    }

    /// <summary>Skips messages until the stream closes the socket; its close status.</summary>
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
            await Run.WaitAsync(_wait);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or PhoneStreamTimeoutException)
        {
        }

        await Stream.DisposeAsync();
        Client.Dispose();
        Server.Dispose();
        _cancel.Dispose();
        GC.SuppressFinalize(this);
    }

    private CancellationToken Timeout() => new CancellationTokenSource(_wait).Token;
}
