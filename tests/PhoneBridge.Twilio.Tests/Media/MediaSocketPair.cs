using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using PhoneBridge.Testing.Net;
using PhoneBridge.Twilio.Media;
using PhoneBridge.Twilio.Tests.Infrastructure;

namespace PhoneBridge.Twilio.Tests.Media;

/// <summary>A <see cref="TwilioMediaStream"/> on one end of an in-memory WebSocket and a fake Twilio on the other.</summary>
internal sealed class MediaSocketPair : InMemoryMediaSocket<TwilioMediaStream>
{
    public const string StreamSid = "MZ18ad3ab5a668481ce02b83e7395059f0";
    public const string CallSid = "CA4e5e5a8c4e5e5a8c4e5e5a8c4e5e5a8c";

    public static readonly string Start =
        $$$"""{"event":"start","sequenceNumber":"1","start":{"accountSid":"AC00000000000000000000000000000001","streamSid":"{{{StreamSid}}}","callSid":"{{{CallSid}}}","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1},"customParameters":{"callId":"c1","FirstName":"Jane"}},"streamSid":"{{{StreamSid}}}"}""";

    public const string Connected = """{"event":"connected","protocol":"Call","version":"1.0.0"}""";

    private MediaSocketPair(TwilioMediaStream stream, (WebSocket Server, WebSocket Client) sockets, ListLoggerProvider logs, RecordingPhoneHandler handler)
        : base(stream, sockets.Client, sockets.Server, handler, TimeSpan.FromSeconds(30))
    {
        Logs = logs;
        Handler = handler;
    }

    public ListLoggerProvider Logs { get; }

    public RecordingPhoneHandler Handler { get; }

    /// <param name="time">The stream's clock (start deadline, close timeout); the system's by default.</param>
    public static MediaSocketPair Create(
        TwilioMediaStreamOptions? options = null,
        Func<string, CancellationToken, Task>? hangUpCall = null,
        long pauseWriterThreshold = 1024 * 1024,
        TimeProvider? time = null)
    {
        var sockets = CreateSockets(pauseWriterThreshold);
        var logs = new ListLoggerProvider();
        var stream = new TwilioMediaStream(
            sockets.Server,
            options ?? new TwilioMediaStreamOptions(),
            new Logger<TwilioMediaStream>(new LoggerFactory([logs])),
            time ?? TimeProvider.System,
            hangUpCall);
        return new MediaSocketPair(stream, sockets, logs, new RecordingPhoneHandler());
    }

    public static string Media(ReadOnlySpan<byte> mulaw, int chunk = 1) =>
        $$$"""{"event":"media","sequenceNumber":"{{{chunk + 2}}}","media":{"track":"inbound","chunk":"{{{chunk}}}","timestamp":"{{{chunk * 20}}}","payload":"{{{Convert.ToBase64String(mulaw)}}}"},"streamSid":"{{{StreamSid}}}"}""";

    public Task StartAsync() => SendAsync(Start);
}
