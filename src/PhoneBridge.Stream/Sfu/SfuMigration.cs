using System.Net.WebSockets;
using PhoneBridge.Stream.Sfu.Models;

namespace PhoneBridge.Stream.Sfu;

/// <summary>
/// MIGRATE (protocol doc §5.7): joins another SFU while the old one keeps carrying the call, then lets the old one
/// go when the new SFU reports <c>participant_migration_complete</c>. A migration that does not complete within
/// <see cref="Timeout"/> is reported to the session loop, which REJOINs; the REJOIN then abandons it.
/// </summary>
internal sealed class SfuMigration : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(7);

    private readonly SfuSession _session;
    private readonly ISfuMediaHandler _media;
    private readonly TimeProvider _time;
    private SfuSignalConnection? _from;
    private CancellationTokenSource? _timer;

    public SfuMigration(SfuSession session, ISfuMediaHandler media, TimeProvider time)
    {
        _session = session;
        _media = media;
        _time = time;
    }

    /// <summary>True between joining the new SFU and completing (or abandoning) the migration.</summary>
    public bool InProgress => _from is not null;

    /// <summary>Joins another SFU, keeping the old socket (and the media on it) until the migration completes.</summary>
    public async Task StartAsync(int attempt, CancellationToken ct)
    {
        var old = _session.Connection;
        var oldEdge = _session.EdgeName;
        var details = _session.CreateReconnectDetails(WebsocketReconnectStrategy.Migrate, attempt, "migrate");
        details.FromSfuId = oldEdge ?? "";
        await _session.ConnectNewAsync(details, migratingFrom: oldEdge, ct).ConfigureAwait(false);
        _from = old;
        await _session.AfterConnectAsync(fast: false, ct).ConfigureAwait(false);

        _timer?.Dispose();
        _timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var generation = _session.Connection!.Generation;
        var timer = _timer.Token;
        _ = Task.Delay(Timeout, _time, timer).ContinueWith(
            _ => _session.ReportMigrationTimeout(generation),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    /// <summary>The new SFU carries the call: the old peer connections and socket are released.</summary>
    public async Task CompleteAsync()
    {
        if (_timer is not null)
        {
            await _timer.CancelAsync().ConfigureAwait(false);
        }

        await _media.ReleasePreviousAsync(CancellationToken.None).ConfigureAwait(false);
        var old = Interlocked.Exchange(ref _from, null);
        if (old is not null)
        {
            await old.CloseAsync(WebSocketCloseStatus.NormalClosure, "migrated", SfuSession.LeaveGrace).ConfigureAwait(false);
            await old.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A REJOIN replaced a migration that never completed: its source SFU is left too (the REJOIN's media reset
    /// already released its connections).
    /// </summary>
    public async Task AbandonAsync(string previousSessionId)
    {
        var abandoned = Interlocked.Exchange(ref _from, null);
        if (abandoned is not null)
        {
            await abandoned.LeaveAsync(previousSessionId, "rejoin", SfuSession.LeaveGrace).ConfigureAwait(false);
            await abandoned.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_from is not null)
        {
            await _from.DisposeAsync().ConfigureAwait(false);
        }

        _timer?.Dispose();
    }
}
