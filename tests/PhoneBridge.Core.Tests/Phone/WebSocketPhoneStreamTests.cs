using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Core.Phone;
using static PhoneBridge.Testing.Phone.RecordingPhoneHandler;

namespace PhoneBridge.Core.Tests.Phone;

/// <summary>
/// The socket half every provider shares (queue, clear generations, close, deadlines, keep-alive, hang-up, its
/// logs), through the smallest protocol; each provider's own messages are tested in its test project.
/// </summary>
public class WebSocketPhoneStreamTests
{
    private static short[] Tone(int samples, short value) => Enumerable.Repeat(value, samples).ToArray();

    [Fact]
    public async Task Outbound_media_mark_and_clear_go_out_in_order_once_started()
    {
        await using var pair = PhoneSocketPair.Create();
        pair.Stream.OnFrame(Tone(160, 7));
        pair.Stream.SendMark("before-start");
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        pair.Stream.OnFrame(Tone(160, 42));
        pair.Stream.SendMark("m1");
        pair.Stream.Clear();

        Assert.Equal("media:42", await pair.ReceiveTextAsync());
        Assert.Equal("mark:m1", await pair.ReceiveTextAsync());
        Assert.Equal("clear", await pair.ReceiveTextAsync());
        Assert.Equal(1, pair.Stream.FramesSent);
    }

    [Fact]
    public async Task Clear_drops_audio_still_queued()
    {
        // A peer that reads nothing: the sender blocks on its first send and the rest stays queued.
        await using var pair = PhoneSocketPair.Create(pauseWriterThreshold: 16);
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        for (var i = 0; i < 50; i++)
        {
            pair.Stream.OnFrame(Tone(160, 1000));
        }

        pair.Stream.Clear();
        pair.Stream.OnFrame(Tone(160, -1000));

        var beforeCount = 0;
        while (true)
        {
            var message = await pair.ReceiveTextAsync();
            if (message == "clear")
            {
                break;
            }

            Assert.Equal("media:1000", message);
            beforeCount++;
        }

        Assert.True(beforeCount < 50, $"{beforeCount} frames queued before the clear were still sent");
        Assert.Equal("media:-1000", await pair.ReceiveTextAsync());
    }

    [Fact]
    public async Task Full_queue_drops_the_oldest_audio()
    {
        await using var pair = PhoneSocketPair.Create(sendQueueCapacity: 4, pauseWriterThreshold: 16);
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        for (short i = 0; i < 100; i++)
        {
            pair.Stream.OnFrame(Tone(160, (short)(i * 100)));
        }

        Assert.True(pair.Stream.MessagesDropped >= 90, $"dropped {pair.Stream.MessagesDropped}");
        string message;
        do
        {
            message = await pair.ReceiveTextAsync();
        }
        while (message != "media:9900");

        Assert.True(pair.Stream.FramesSent <= 10, $"sent {pair.Stream.FramesSent}");
    }

    [Fact]
    public async Task Oversized_message_closes_with_1009_and_one_log_line_naming_the_provider()
    {
        await using var pair = PhoneSocketPair.Create(maxMessageBytes: 2048);
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        await pair.SendAsync("audio:" + new string('1', 4000));

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await pair.ReceiveCloseAsync());
        await pair.Run.WaitAsync(TestTimeouts.Wait);
        var line = Assert.Single(pair.WithEventId(1401));
        Assert.Contains("test media message exceeds 2048 bytes", line.Message, StringComparison.Ordinal);
        Assert.Equal(0, pair.Handler.Pending);
    }

    [Fact]
    public async Task Binary_frames_are_skipped_logged_once_and_counted()
    {
        await using var pair = PhoneSocketPair.Create();
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        for (var i = 0; i < 3; i++)
        {
            await pair.Client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        }

        await pair.SendAsync("audio:160");
        await pair.Handler.NextAsync<AudioReceived>();

        var line = Assert.Single(pair.WithEventId(1400));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("test media socket", line.Message, StringComparison.Ordinal);
        Assert.Equal(1, pair.Stream.FramesReceived);
    }

    [Fact]
    public async Task Stop_ends_the_run_with_a_clean_close()
    {
        await using var pair = PhoneSocketPair.Create();
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        await pair.SendAsync("stop");

        Assert.Equal(WebSocketCloseStatus.NormalClosure, await pair.ReceiveCloseAsync());
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await pair.Run.WaitAsync(TestTimeouts.Wait);
    }

    [Fact]
    public async Task Cancelling_closes_the_socket_cleanly()
    {
        await using var pair = PhoneSocketPair.Create();
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        pair.Cancel();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, await pair.ReceiveCloseAsync());
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await pair.Run.WaitAsync(TestTimeouts.Wait);
        Assert.Equal(WebSocketState.Closed, pair.Server.State);
    }

    [Fact]
    public async Task Hang_up_flushes_queued_audio_closes_and_ends_the_call_through_the_api()
    {
        var hungUp = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var pair = PhoneSocketPair.Create(hangUpCall: (id, _) =>
        {
            hungUp.TrySetResult(id);
            return Task.CompletedTask;
        });
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        pair.Stream.OnFrame(Tone(160, 500));
        var hangUp = pair.Stream.HangUpAsync("agent said goodbye", CancellationToken.None).AsTask();

        Assert.Equal("media:500", await pair.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await pair.ReceiveCloseAsync());
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await hangUp.WaitAsync(TestTimeouts.Wait);
        Assert.Equal(PhoneSocketPair.CallId, await hungUp.Task.WaitAsync(TestTimeouts.Wait));
        Assert.True(pair.Run.IsCompleted);
        Assert.Contains("Hanging up test media stream: agent said goodbye", Assert.Single(pair.WithEventId(1404)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_api_hang_up_is_logged_once_with_the_provider()
    {
        await using var pair = PhoneSocketPair.Create(hangUpCall: (_, _) => throw new HttpRequestException("refused"));
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        var hangUp = pair.Stream.HangUpAsync("test", CancellationToken.None).AsTask();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await pair.ReceiveCloseAsync());
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await hangUp.WaitAsync(TestTimeouts.Wait);

        var line = Assert.Single(pair.WithEventId(1405));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("test call " + PhoneSocketPair.CallId, line.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(line.Exception);
    }

    [Fact]
    public async Task Peer_that_never_answers_the_close_is_aborted_after_the_timeout()
    {
        await using var pair = PhoneSocketPair.Create(closeTimeout: TimeSpan.FromMilliseconds(200));
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        await pair.Stream.HangUpAsync("test", CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Wait);

        Assert.True(pair.Run.IsCompleted);
        Assert.Single(pair.WithEventId(1403));
    }

    [Fact]
    public async Task Socket_dropped_by_the_peer_ends_the_run()
    {
        await using var pair = PhoneSocketPair.Create();
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        pair.Client.Abort();

        await pair.Run.WaitAsync(TestTimeouts.Wait);
    }

    [Fact]
    public async Task Socket_without_start_is_closed_with_1008_at_the_start_deadline()
    {
        var clock = new FakeTimeProvider();
        await using var pair = PhoneSocketPair.Create(startTimeout: TimeSpan.FromSeconds(10), time: clock);
        await pair.SendAsync("hello");

        clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(pair.Run.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await pair.ReceiveCloseAsync());
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        var timeout = await Assert.ThrowsAsync<PhoneStreamTimeoutException>(() => pair.Run.WaitAsync(TestTimeouts.Wait));
        Assert.Equal(PhoneStreamTimeout.Start, timeout.Kind);
        Assert.Equal(0, pair.Handler.Pending);

        // The bridge reports it, with the call id the stream does not know.
        Assert.DoesNotContain(pair.Logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Peer_that_misses_the_start_deadline_and_the_close_is_aborted_without_a_second_report()
    {
        var clock = new FakeTimeProvider();
        await using var pair = PhoneSocketPair.Create(startTimeout: TimeSpan.FromSeconds(10), closeTimeout: TimeSpan.FromSeconds(5), time: clock);

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await pair.ReceiveCloseAsync());
        clock.Advance(TimeSpan.FromSeconds(5));

        var timeout = await Assert.ThrowsAsync<PhoneStreamTimeoutException>(() => pair.Run.WaitAsync(TestTimeouts.Wait));
        Assert.Equal(PhoneStreamTimeout.Start, timeout.Kind);
        Assert.Empty(pair.WithEventId(1403));
    }

    [Fact]
    public async Task Start_lifts_the_start_deadline()
    {
        var clock = new FakeTimeProvider();
        await using var pair = PhoneSocketPair.Create(startTimeout: TimeSpan.FromSeconds(10), time: clock);
        await pair.StartAsync();
        await pair.Handler.NextAsync<Started>();

        clock.Advance(TimeSpan.FromMinutes(5));
        await pair.SendAsync("audio:160");

        await pair.Handler.NextAsync<AudioReceived>();
        Assert.False(pair.Run.IsCompleted);
        Assert.Equal(WebSocketState.Open, pair.Client.State);
    }

    [Fact]
    public async Task Unanswered_keep_alive_pings_end_the_run_with_a_keep_alive_timeout()
    {
        // Loopback TCP (an aborted socket must fail the pending read, as Kestrel's does); the client never reads,
        // so it never answers the server's pings.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptTcpClientAsync();
        using var server = WebSocket.CreateFromStream(accepted.GetStream(), new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = TimeSpan.FromMilliseconds(100),
            KeepAliveTimeout = TimeSpan.FromMilliseconds(300),
        });
        var logs = new ListLogger<TestPhoneStream>();
        await using var stream = new TestPhoneStream(server, logs);

        var run = stream.RunAsync(new RecordingPhoneHandler(), CancellationToken.None);

        var timeout = await Assert.ThrowsAsync<PhoneStreamTimeoutException>(() => run.WaitAsync(TestTimeouts.Wait));
        Assert.Equal(PhoneStreamTimeout.KeepAlive, timeout.Kind);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }
}
