using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Telnyx;

namespace PhoneBridge.Telnyx.Tests.EndToEnd;

/// <summary>
/// A claimed media socket must not hold its call for ever: no <c>start</c> within the start deadline, or no pong to
/// the keep-alive pings, closes it, ends the call (hung up through Call Control) and releases it.
/// </summary>
public sealed class MediaSocketDeadlineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly Dictionary<string, string?> ShortStartTimeout = new() { ["PhoneBridge:Registry:StartTimeout"] = "00:00:00.300" };

    [Fact]
    public async Task ASocketThatNeverSendsStartIsClosedAndItsCallReleased()
    {
        var logs = new ListLoggerProvider();
        await using var host = await TelnyxBridgeHost.StartAsync("PCMU", settings: ShortStartTimeout, logs: logs);
        var (callControlId, url) = await AnswerWithoutMediaAsync(host);
        var (callId, token) = (url.Segments[^2].TrimEnd('/'), url.Segments[^1]);

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(url, CancellationToken.None);
        var connected = Stopwatch.GetTimestamp();
        await ReadUntilClosedAsync(socket);

        Assert.True(Stopwatch.GetElapsedTime(connected) >= TimeSpan.FromMilliseconds(250), "closed before the deadline");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        // The Telnyx call outlives its socket, so it is hung up through Call Control.
        await host.Api.WaitForAsync("hangup", callControlId, Timeout);
        var counters = host.App.Services.GetRequiredService<BridgeCounters>();
        await WaitForAsync(() => host.Registry.Count == 0 && counters.ActiveCalls == 0);

        var warning = Assert.Single(logs.AtLeast(LogLevel.Warning));
        Assert.Equal(1240, warning.EventId.Id);
        Assert.Contains(callId, warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, logs.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain("5551230000", warning.Message, StringComparison.Ordinal);

        // Released means gone: the URL cannot be used again.
        using var again = new ClientWebSocket();
        await Assert.ThrowsAsync<WebSocketException>(() => again.ConnectAsync(url, CancellationToken.None));
    }

    [Fact]
    public async Task ASocketThatSendsStartInTimeOutlivesTheDeadline()
    {
        // Long enough for a loaded machine to handle the start the simulator sends at once, short enough to wait out.
        var deadline = TimeSpan.FromSeconds(2);
        var logs = new ListLoggerProvider();
        await using var host = await TelnyxBridgeHost.StartAsync(
            "PCMU", settings: new Dictionary<string, string?> { ["PhoneBridge:Registry:StartTimeout"] = deadline.ToString() }, logs: logs);
        var ringing = Stopwatch.GetTimestamp();
        await using var call = await host.Phone.RingAsync(CancellationToken.None);
        await using var pacer = new FramePacer(TimeProvider.System);

        var delay = deadline + TimeSpan.FromSeconds(1) - Stopwatch.GetElapsedTime(ringing);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay);
        }

        var signal = AudioQuality.Signal(8000, TimeSpan.FromSeconds(0.4));
        call.Play(signal, pacer);
        await call.PlaybackCompleted.WaitAsync(Timeout);
        await WaitForAsync(() => call.Recording().Length >= signal.Length / 2);

        Assert.Null(call.CloseStatus);
        Assert.Equal(1, host.Registry.Count);
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Id is 1240 or 1241);
        await host.Phone.HangUpAsync(call, CancellationToken.None);
        await WaitForAsync(() => host.Registry.Count == 0);
    }

    [Fact]
    public async Task ASocketThatStopsAnsweringPingsIsAbortedAndItsCallReleased()
    {
        var logs = new ListLoggerProvider();
        await using var host = await TelnyxBridgeHost.StartAsync(
            "PCMU",
            settings: new Dictionary<string, string?> { ["PhoneBridge:Registry:StartTimeout"] = "00:05:00" },
            logs: logs,
            webSockets: o =>
            {
                o.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
                o.KeepAliveTimeout = TimeSpan.FromMilliseconds(500);
            });
        var (callControlId, url) = await AnswerWithoutMediaAsync(host);
        var counters = host.App.Services.GetRequiredService<BridgeCounters>();

        using var peer = await SilentWebSocketPeer.UpgradeAsync(url, new Dictionary<string, string>(), CancellationToken.None);
        await WaitForAsync(() => counters.ActiveCalls == 1);

        await host.Api.WaitForAsync("hangup", callControlId, Timeout);
        await WaitForAsync(() => host.Registry.Count == 0 && counters.ActiveCalls == 0);
        var warning = Assert.Single(logs.AtLeast(LogLevel.Warning));
        Assert.Equal(1241, warning.EventId.Id);
        Assert.Contains(url.Segments[^2].TrimEnd('/'), warning.Message, StringComparison.Ordinal);
        Assert.Null(warning.Exception);
    }

    /// <summary>Rings a call and lets the bridge answer it, but opens no media socket: returns where it would go.</summary>
    private static async Task<(string CallControlId, Uri MediaUrl)> AnswerWithoutMediaAsync(TelnyxBridgeHost host)
    {
        var callControlId = "v3:deadline-" + Guid.NewGuid().ToString("N");
        host.Api.AddIncomingCall(callControlId);
        await host.Phone.PostWebhookAsync(
            TelnyxWebhookBodies.CallInitiated(Guid.NewGuid().ToString(), callControlId, "+15551230000", "+15559870000", DateTimeOffset.UtcNow),
            CancellationToken.None);
        var answer = await host.Api.WaitForAsync("answer", callControlId, Timeout);
        var path = new Uri(answer.String("stream_url")!).AbsolutePath;
        return (callControlId, new UriBuilder(host.Server) { Scheme = "ws", Path = path }.Uri);
    }

    private static async Task ReadUntilClosedAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var buffer = new byte[4096];
        while ((await socket.ReceiveAsync(buffer, timeout.Token)).MessageType != WebSocketMessageType.Close)
        {
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
