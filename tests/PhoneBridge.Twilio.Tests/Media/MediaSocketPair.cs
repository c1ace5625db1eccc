using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Phone;
using PhoneBridge.Testing.Net;
using PhoneBridge.Twilio.Media;
using PhoneBridge.Twilio.Tests.Infrastructure;

namespace PhoneBridge.Twilio.Tests.Media;

/// <summary>A <see cref="TwilioMediaStream"/> on one end of an in-memory WebSocket and a fake Twilio on the other.</summary>
internal sealed class MediaSocketPair : IAsyncDisposable
{
    public const string StreamSid = "MZ18ad3ab5a668481ce02b83e7395059f0";
    public const string CallSid = "CA4e5e5a8c4e5e5a8c4e5e5a8c4e5e5a8c";

    public static readonly string Start =
        $$$"""{"event":"start","sequenceNumber":"1","start":{"accountSid":"AC00000000000000000000000000000001","streamSid":"{{{StreamSid}}}","callSid":"{{{CallSid}}}","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1},"customParameters":{"callId":"c1","FirstName":"Jane"}},"streamSid":"{{{StreamSid}}}"}""";

    public const string Connected = """{"event":"connected","protocol":"Call","version":"1.0.0"}""";

    private readonly CancellationTokenSource _cancel = new();

    private MediaSocketPair(TwilioMediaStream stream, WebSocket client, WebSocket server, ListLoggerProvider logs, RecordingPhoneHandler handler)
    {
        Stream = stream;
        Client = client;
        Server = server;
        Logs = logs;
        Handler = handler;
        Run = Stream.RunAsync(Handler, _cancel.Token);
    }

    public TwilioMediaStream Stream { get; }

    public WebSocket Client { get; }

    public WebSocket Server { get; }

    public ListLoggerProvider Logs { get; }

    public RecordingPhoneHandler Handler { get; }

    public Task Run { get; }

    /// <param name="time">The stream's clock (start deadline, close timeout); the system's by default.</param>
    public static MediaSocketPair Create(
        TwilioMediaStreamOptions? options = null,
        Func<string, CancellationToken, Task>? hangUpCall = null,
        long pauseWriterThreshold = 1024 * 1024,
        TimeProvider? time = null)
    {
        var (serverStream, clientStream) = DuplexPipeStream.CreatePair(pauseWriterThreshold);
        var server = WebSocket.CreateFromStream(serverStream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        var client = WebSocket.CreateFromStream(clientStream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        var logs = new ListLoggerProvider();
        var stream = new TwilioMediaStream(
            server,
            options ?? new TwilioMediaStreamOptions(),
            new Logger<TwilioMediaStream>(new LoggerFactory([logs])),
            time ?? TimeProvider.System,
            hangUpCall);
        return new MediaSocketPair(stream, client, server, logs, new RecordingPhoneHandler());
    }

    public static string Media(ReadOnlySpan<byte> mulaw, int chunk = 1) =>
        $$$"""{"event":"media","sequenceNumber":"{{{chunk + 2}}}","media":{"track":"inbound","chunk":"{{{chunk}}}","timestamp":"{{{chunk * 20}}}","payload":"{{{Convert.ToBase64String(mulaw)}}}"},"streamSid":"{{{StreamSid}}}"}""";

    public Task SendAsync(string json, bool endOfMessage = true) =>
        Client.SendAsync(new ReadOnlyMemory<byte>(Encoding.UTF8.GetBytes(json)), WebSocketMessageType.Text, endOfMessage, Timeout()).AsTask();

    public Task StartAsync() => SendAsync(Start);

    /// <summary>Next message from the server: its text, or null and the close status when it closed.</summary>
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
            await Run.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or PhoneStreamTimeoutException)
        {
        }

        await Stream.DisposeAsync();
        Client.Dispose();
        Server.Dispose();
        _cancel.Dispose();
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
