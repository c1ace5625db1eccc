using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Core.Security;

/// <summary>
/// Counts failed authentications (webhook signatures, media tokens, API keys) per client address and blocks an
/// address once it has failed <see cref="SecurityOptions.MaxFailedAuthPerMinute"/> times in its fixed one-minute
/// window. Only failures consume permits, so a busy but honest provider is never slowed down.
/// </summary>
/// <remarks>
/// It also keeps the log quiet under attack: the caller logs an address's first rejection only (the return value
/// of <see cref="RecordFailure"/>), and the rest are counted and logged as one summary line per address per minute.
/// Memory stays bounded: at most <see cref="MaxTrackedAddresses"/> addresses are tracked (IPv6 by /64, which a
/// single client usually holds whole); failures from further addresses are only counted, never blocked, so a flood
/// of addresses cannot lock out a provider that has not failed.
/// </remarks>
public sealed class FailedAuthLimiter : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    internal const int MaxTrackedAddresses = 4096;
    private const int MaxReasonsPerAddress = 8;
    private const string OtherReason = "other";
    private const string RateLimitedReason = "rate limited (429)";

    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, TrackedAddress> _tracked = [];
    private readonly PartitionedRateLimiter<IPAddress> _limiter;
    private readonly ITimer _summaryTimer;
    private readonly ILogger<FailedAuthLimiter> _logger;
    private long _untrackedRejections;
    private bool _untrackedLogged;

    public FailedAuthLimiter(IOptions<SecurityOptions> options, TimeProvider time, ILogger<FailedAuthLimiter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var permits = options.Value.MaxFailedAuthPerMinute;
        _logger = logger;
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(
            address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = Window, QueueLimit = 0, AutoReplenishment = true }));
        _summaryTimer = time.CreateTimer(_ => Summarize(), null, Window, Window);
    }

    /// <summary>Addresses currently tracked (they failed recently); for tests and diagnostics.</summary>
    internal int TrackedCount
    {
        get
        {
            lock (_gate)
            {
                return _tracked.Count;
            }
        }
    }

    /// <summary>Whether <paramref name="remote"/> has used up its failures for the current window; never consumes a permit.</summary>
    public bool IsBlocked(IPAddress? remote, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        var key = KeyOf(remote);
        lock (_gate)
        {
            // An address that has not failed lately has a full window; asking the limiter would only create a partition.
            if (!_tracked.ContainsKey(key))
            {
                return false;
            }
        }

        using var lease = _limiter.AttemptAcquire(key, 0);
        if (lease.IsAcquired)
        {
            return false;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : Window;
        return true;
    }

    /// <summary>Counts a request answered 429 because its address is blocked (summarised, never logged alone).</summary>
    public void RecordBlocked(IPAddress? remote) => Count(KeyOf(remote), RateLimitedReason);

    /// <summary>
    /// Counts a failed authentication against <paramref name="remote"/>. Returns true when the caller should log
    /// this one (the address's first rejection since it was last quiet for a window); otherwise the rejection is
    /// left to the per-minute summary. <paramref name="reason"/> must come from a small fixed set (no request data).
    /// </summary>
    public bool RecordFailure(IPAddress? remote, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var key = KeyOf(remote);
        var (log, tracked) = Count(key, reason);
        if (tracked)
        {
            // The lease is not kept: a failure spends its permit for the rest of the window.
            using var lease = _limiter.AttemptAcquire(key, 1);
        }

        return log;
    }

    public void Dispose()
    {
        _summaryTimer.Dispose();
        _limiter.Dispose();
    }

    /// <summary>The partition an address falls in: IPv4 as is (also when mapped into IPv6), IPv6 by its /64.</summary>
    internal static IPAddress KeyOf(IPAddress? remote)
    {
        if (remote is null)
        {
            return IPAddress.None;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            return remote.MapToIPv4();
        }

        if (remote.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return remote;
        }

        Span<byte> bytes = stackalloc byte[16];
        remote.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    private static string Display(IPAddress key) =>
        key.Equals(IPAddress.None) ? "(unknown)"
        : key.AddressFamily == AddressFamily.InterNetworkV6 ? key + "/64"
        : key.ToString();

    private (bool Log, bool Tracked) Count(IPAddress key, string reason)
    {
        lock (_gate)
        {
            if (!_tracked.TryGetValue(key, out var address))
            {
                if (_tracked.Count >= MaxTrackedAddresses)
                {
                    _untrackedRejections++;
                    var first = !_untrackedLogged;
                    _untrackedLogged = true;
                    if (first)
                    {
                        FailedAuthLimiterLog.TableFull(_logger, MaxTrackedAddresses);
                    }

                    return (false, false);
                }

                address = new TrackedAddress(Display(key));
                _tracked.Add(key, address);
            }

            address.ActiveSinceSummary = true;
            if (!address.Logged)
            {
                address.Logged = true;
                return (true, true);
            }

            address.Count(reason);
            return (false, true);
        }
    }

    /// <summary>Once a minute: one line per address with unlogged rejections; addresses quiet for a whole minute are forgotten.</summary>
    private void Summarize()
    {
        List<(string Address, int Count, string Reasons)> summaries = [];
        long untracked;
        lock (_gate)
        {
            List<IPAddress>? quiet = null;
            foreach (var (key, address) in _tracked)
            {
                if (address.Suppressed > 0)
                {
                    summaries.Add((address.Display, address.Suppressed, address.DescribeReasons()));
                    address.ResetCounts();
                }

                if (!address.ActiveSinceSummary)
                {
                    (quiet ??= []).Add(key);
                }

                address.ActiveSinceSummary = false;
            }

            foreach (var key in quiet ?? [])
            {
                _tracked.Remove(key);
            }

            untracked = _untrackedRejections;
            _untrackedRejections = 0;
            _untrackedLogged = untracked > 0;
        }

        foreach (var (address, count, reasons) in summaries)
        {
            FailedAuthLimiterLog.Summary(_logger, count, address, reasons);
        }

        if (untracked > 0)
        {
            FailedAuthLimiterLog.UntrackedSummary(_logger, untracked, MaxTrackedAddresses);
        }
    }

    private sealed class TrackedAddress(string display)
    {
        private readonly Dictionary<string, int> _reasons = new(StringComparer.Ordinal);

        public string Display { get; } = display;

        /// <summary>Its first rejection has been logged; the rest go to summaries until it is forgotten.</summary>
        public bool Logged { get; set; }

        public bool ActiveSinceSummary { get; set; }

        public int Suppressed { get; private set; }

        public void Count(string reason)
        {
            Suppressed++;
            if (!_reasons.ContainsKey(reason) && _reasons.Count >= MaxReasonsPerAddress)
            {
                reason = OtherReason;
            }

            _reasons[reason] = _reasons.GetValueOrDefault(reason) + 1;
        }

        public string DescribeReasons() =>
            string.Join(", ", _reasons.OrderByDescending(r => r.Value).Select(r => $"{r.Key} ×{r.Value}"));

        public void ResetCounts()
        {
            Suppressed = 0;
            _reasons.Clear();
        }
    }
}
