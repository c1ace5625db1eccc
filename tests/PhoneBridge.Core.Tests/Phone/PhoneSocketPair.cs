using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using PhoneBridge.Testing.Net;

namespace PhoneBridge.Core.Tests.Phone;

/// <summary>A <see cref="TestPhoneStream"/> on one end of an in-memory WebSocket and a scripted provider on the other.</summary>
internal sealed class PhoneSocketPair : InMemoryMediaSocket<TestPhoneStream>
{
    public const string CallId = "call-1";

    private PhoneSocketPair(TestPhoneStream stream, (WebSocket Server, WebSocket Client) sockets, ListLogger<TestPhoneStream> logs, RecordingPhoneHandler handler)
        : base(stream, sockets.Client, sockets.Server, handler, TestTimeouts.Wait)
    {
        Logs = logs;
        Handler = handler;
    }

    public ListLogger<TestPhoneStream> Logs { get; }

    public RecordingPhoneHandler Handler { get; }

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
        var sockets = CreateSockets(pauseWriterThreshold);
        var logs = new ListLogger<TestPhoneStream>();
        var stream = new TestPhoneStream(sockets.Server, logs, maxMessageBytes, sendQueueCapacity, closeTimeout, startTimeout, time, hangUpCall);
        return new PhoneSocketPair(stream, sockets, logs, new RecordingPhoneHandler(TestTimeouts.Wait));
    }

    public IEnumerable<(LogLevel Level, EventId Id, string Message, Exception? Exception)> WithEventId(int id) =>
        Logs.Entries.Where(e => e.EventId.Id == id).Select(e => (e.Level, e.EventId, e.Message, e.Exception));

    public Task StartAsync() => SendAsync("start:" + CallId);
}
