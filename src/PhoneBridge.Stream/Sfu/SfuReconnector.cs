using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Telemetry;
using PhoneBridge.Stream.Sfu.Models;

namespace PhoneBridge.Stream.Sfu;

/// <summary>
/// Recovery of an <see cref="SfuSession"/>: runs one reconnection with the strategy the SFU or the session loop asked
/// for, escalating FAST → REJOIN when FAST is too late or refused and REJOIN again after any failure, within a budget
/// of attempts. FAST reopens the socket to the same SFU with the same session; REJOIN joins afresh with a new session
/// id; MIGRATE is <see cref="SfuMigration"/>. Runs on the session loop, so never alongside event handling.
/// </summary>
internal sealed class SfuReconnector : IAsyncDisposable
{
    private static readonly TimeSpan ReconnectWindow = TimeSpan.FromSeconds(120);
    private const int MaxReconnectsPerWindow = 10;
    private const int DefaultFastDeadlineSeconds = 10;

    private readonly SfuSession _session;
    private readonly StreamOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Queue<long> _reconnectTimes = new();
    private readonly EdgeReconnectMetrics? _metrics;
    private long _socketLostAt;

    public SfuReconnector(SfuSession session, ISfuMediaHandler media, StreamOptions options, TimeProvider time, ILogger logger,
        EdgeReconnectMetrics? metrics = null)
    {
        _session = session;
        _metrics = metrics;
        _options = options;
        _time = time;
        _logger = logger;
        Migration = new SfuMigration(session, media, time);
    }

    public SfuMigration Migration { get; }

    /// <summary>The signalling socket broke now: FAST is only tried within the SFU's deadline from this moment.</summary>
    public void SocketLost() => _socketLostAt = _time.GetTimestamp();

    /// <summary>Runs one reconnection, escalating FAST → REJOIN on failure; false when the session gave up.</summary>
    public async Task<bool> ReconnectAsync(WebsocketReconnectStrategy strategy, string reason, CancellationToken ct)
    {
        for (var failures = 0; ; failures++)
        {
            if (failures > _options.MaxReconnectAttempts || !TakeReconnectBudget())
            {
                _session.End(SfuSessionEndKind.Failed, $"gave up reconnecting after {failures} failed attempts ({reason})");
                return false;
            }

            SfuReconnectorLog.Reconnecting(_logger, strategy.ToString(), reason);
            try
            {
                switch (strategy)
                {
                    case WebsocketReconnectStrategy.Fast:
                        if (_time.GetElapsedTime(_socketLostAt) > FastDeadline() || _session.Credentials is null)
                        {
                            strategy = WebsocketReconnectStrategy.Rejoin;
                            continue;
                        }

                        _metrics?.Reconnecting(EdgeReconnectStrategy.Fast);
                        if (!await FastReconnectAsync(failures, ct).ConfigureAwait(false))
                        {
                            strategy = WebsocketReconnectStrategy.Rejoin;
                            continue;
                        }

                        return true;
                    case WebsocketReconnectStrategy.Migrate:
                        _metrics?.Reconnecting(EdgeReconnectStrategy.Migrate);
                        await Migration.StartAsync(failures, ct).ConfigureAwait(false);
                        return true;
                    default:
                        _metrics?.Reconnecting(EdgeReconnectStrategy.Rejoin);
                        await RejoinAsync(failures, ct).ConfigureAwait(false);
                        return true;
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                SfuReconnectorLog.ReconnectFailed(_logger, strategy.ToString(), e.Message);
                strategy = WebsocketReconnectStrategy.Rejoin;
                await Task.Delay(TimeSpan.FromMilliseconds(250 * (failures + 1)), _time, ct).ConfigureAwait(false);
            }
        }
    }

    public ValueTask DisposeAsync() => Migration.DisposeAsync();

    /// <summary>The SFU's <c>fast_reconnect_deadline_seconds</c> from the last join response.</summary>
    private TimeSpan FastDeadline() => TimeSpan.FromSeconds(
        _session.LastJoinResponse is { FastReconnectDeadlineSeconds: > 0 } response
            ? response.FastReconnectDeadlineSeconds
            : DefaultFastDeadlineSeconds);

    private bool TakeReconnectBudget()
    {
        var now = _time.GetTimestamp();
        while (_reconnectTimes.TryPeek(out var t) && _time.GetElapsedTime(t, now) > ReconnectWindow)
        {
            _reconnectTimes.Dequeue();
        }

        if (_reconnectTimes.Count >= MaxReconnectsPerWindow)
        {
            return false;
        }

        _reconnectTimes.Enqueue(now);
        return true;
    }

    private async Task<bool> FastReconnectAsync(int attempt, CancellationToken ct)
    {
        var old = _session.Connection;
        _session.Connection = null;
        if (old is not null)
        {
            await old.CloseAsync(SfuSignalConnection.DisposeCloseStatus, "fast reconnect", SfuSession.LeaveGrace).ConfigureAwait(false);
            await old.DisposeAsync().ConfigureAwait(false);
        }

        var details = _session.CreateReconnectDetails(WebsocketReconnectStrategy.Fast, attempt, "signal lost");
        await _session.OpenSocketAsync(_session.Credentials!, details, ct).ConfigureAwait(false);
        if (_session.LastJoinResponse is not { Reconnected: true })
        {
            return false;
        }

        await _session.AfterConnectAsync(fast: true, ct).ConfigureAwait(false);
        return true;
    }

    private async Task RejoinAsync(int attempt, CancellationToken ct)
    {
        var old = _session.Connection;
        var previousSession = _session.SessionId;
        var details = _session.CreateReconnectDetails(WebsocketReconnectStrategy.Rejoin, attempt, "rejoin");
        details.PreviousSessionId = previousSession;
        _session.RenewSessionId();
        await _session.ConnectNewAsync(details, migratingFrom: null, ct).ConfigureAwait(false);
        await _session.AfterConnectAsync(fast: false, ct).ConfigureAwait(false);
        if (old is not null)
        {
            await old.LeaveAsync(previousSession, "rejoin", SfuSession.LeaveGrace).ConfigureAwait(false);
            await old.DisposeAsync().ConfigureAwait(false);
        }

        await Migration.AbandonAsync(previousSession).ConfigureAwait(false);
    }
}
