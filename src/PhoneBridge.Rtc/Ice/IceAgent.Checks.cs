using System.Net.Sockets;
using System.Security.Cryptography;
using PhoneBridge.Rtc.Stun;

namespace PhoneBridge.Rtc.Ice;

public sealed partial class IceAgent
{
    /// <summary>Pacing interval Ta (RFC 8445 §14.2).</summary>
    private static readonly TimeSpan Ta = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan CheckInitialRto = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CheckMaxRto = TimeSpan.FromMilliseconds(1600);
    private const int CheckMaxTransmissions = 7;
    private const int ConsentMaxTransmissions = 3;

    private static readonly ushort[] KnownRequestAttributes =
    [
        StunAttributeType.Username, StunAttributeType.MessageIntegrity, StunAttributeType.Priority,
        StunAttributeType.UseCandidate, StunAttributeType.Fingerprint,
    ];

    private readonly ITimer _timer;
    private readonly List<PendingTransaction> _scratch = [];
    private DateTimeOffset? _checksStartedAt;
    private DateTimeOffset _nextCheckAt;
    private DateTimeOffset? _nominationDeadline;
    private DateTimeOffset _lastConsent;
    private DateTimeOffset _nextConsentAt;
    private bool _restartPending;

    private bool ChecksActive => _checksStartedAt is not null && (_selected is null || _restartPending) && _state != IceConnectionState.Failed;

    private TimeSpan DisconnectedAfter => _options.ConsentTimeout / 2;

    private void StartChecksLocked()
    {
        if (_disposed || _remoteKey is null || _sockets.Count == 0 || _state == IceConnectionState.Failed)
        {
            RescheduleLocked();
            return;
        }

        if (_checksStartedAt is null)
        {
            _checksStartedAt = _time.GetUtcNow();
            _nextCheckAt = _checksStartedAt.Value;
            if (_state == IceConnectionState.New)
            {
                SetStateLocked(IceConnectionState.Checking);
            }
        }

        RescheduleLocked();
    }

    private void OnTimer()
    {
        try
        {
            OnTimerCore();
        }
#pragma warning disable CA1031 // An exception on a timer thread would take the process down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            IceLog.TimerFailed(_logger, ex);
        }
    }

    private void OnTimerCore()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var now = _time.GetUtcNow();
            ProcessRetransmissionsLocked(now);

            if (ChecksActive && now >= _nextCheckAt && NextPairToCheckLocked() is { } pair)
            {
                SendCheckLocked(pair, TransactionKind.Check, now);
                _nextCheckAt = now + Ta;
            }

            if (_nominationDeadline is { } deadline && now >= deadline)
            {
                ConsiderNominationLocked(now);
            }

            if (ChecksActive && _selected is null && _checksStartedAt is { } started)
            {
                if (now - started >= _options.ConnectTimeout)
                {
                    FailLocked($"no candidate pair was nominated within {_options.ConnectTimeout}");
                }
                else if (_remoteEndOfCandidates && _gatheringComplete.Task.IsCompleted && _pairs.Count > 0 && _triggered.Count == 0
                    && _pairs.TrueForAll(p => p.State == CandidatePairState.Failed))
                {
                    FailLocked("every candidate pair failed");
                }
            }

            if (_selected is { } selected && _state is IceConnectionState.Connected or IceConnectionState.Disconnected)
            {
                var silence = now - _lastConsent;
                if (silence >= _options.ConsentTimeout)
                {
                    IceLog.ConsentExpired(_logger, selected.ToString(), _options.ConsentTimeout);
                    FailLocked("consent expired");
                }
                else
                {
                    if (silence >= DisconnectedAfter)
                    {
                        SetStateLocked(IceConnectionState.Disconnected);
                    }

                    if (now >= _nextConsentAt)
                    {
                        SendCheckLocked(selected, TransactionKind.Consent, now);
                        _nextConsentAt = now + NextConsentInterval();
                    }
                }
            }

            RescheduleLocked();
        }
    }

    private void ProcessRetransmissionsLocked(DateTimeOffset now)
    {
        _scratch.Clear();
        foreach (var transaction in _transactions.Values)
        {
            if (transaction.Due <= now)
            {
                _scratch.Add(transaction);
            }
        }

        foreach (var transaction in _scratch)
        {
            var max = transaction.Kind == TransactionKind.Check ? CheckMaxTransmissions : ConsentMaxTransmissions;
            if (transaction.Transmissions >= max)
            {
                _transactions.Remove(transaction.Id);
                if (transaction.Kind == TransactionKind.Check)
                {
                    OnCheckFailedLocked(transaction.Pair, "no response", now);
                }

                continue;
            }

            transaction.Transmissions++;
            transaction.Rto = transaction.Kind == TransactionKind.Check
                ? TimeSpan.FromTicks(Math.Min(transaction.Rto.Ticks * 2, CheckMaxRto.Ticks))
                : transaction.Rto;
            transaction.Due = now + transaction.Rto;
            SendToPairLocked(transaction.Pair, transaction.Request.AsSpan(0, transaction.Length));
        }
    }

    private void OnCheckFailedLocked(CandidatePairEntry pair, string reason, DateTimeOffset now)
    {
        IceLog.CheckFailed(_logger, pair.ToString(), reason);
        if (pair.State != CandidatePairState.Succeeded)
        {
            pair.State = CandidatePairState.Failed;
        }

        if (pair.Nominating)
        {
            pair.Nominating = false;
            if (pair.State == CandidatePairState.Succeeded)
            {
                pair.State = CandidatePairState.Failed;
                RebuildValidPairsLocked();
            }

            ConsiderNominationLocked(now);
        }
    }

    private CandidatePairEntry? NextPairToCheckLocked()
    {
        while (_triggered.First is { } node)
        {
            _triggered.RemoveFirst();
            if (_pairs.Contains(node.Value))
            {
                return node.Value;
            }
        }

        return _pairs.Find(static p => p.State == CandidatePairState.Waiting);
    }

    private void SendCheckLocked(CandidatePairEntry pair, TransactionKind kind, DateTimeOffset now)
    {
        if (_remoteKey is null || _remoteUfrag is null)
        {
            return;
        }

        var useCandidate = kind == TransactionKind.Check && _controlling && pair.Nominating;
        var id = StunTransactionId.NewRandom();
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.Request, id);
        writer.AddString(StunAttributeType.Username, $"{_remoteUfrag}:{LocalUfrag}");
        var localPreference = (int)((pair.Local.Candidate.Priority >> 8) & 0xFFFF);
        writer.AddUInt32(StunAttributeType.Priority, IceCandidate.ComputePriority(IceCandidateType.PeerReflexive, localPreference));
        writer.AddUInt64(_controlling ? StunAttributeType.IceControlling : StunAttributeType.IceControlled, _tieBreaker);
        if (useCandidate)
        {
            writer.AddFlag(StunAttributeType.UseCandidate);
        }

        writer.AddMessageIntegrity(_remoteKey);
        writer.AddFingerprint();
        var transaction = new PendingTransaction(id, kind, pair, buffer, writer.Length, useCandidate, _controlling)
        {
            Rto = CheckInitialRto,
            Due = now + CheckInitialRto,
        };
        _transactions[id] = transaction;
        if (kind == TransactionKind.Check && pair.State != CandidatePairState.Succeeded)
        {
            pair.State = CandidatePairState.InProgress;
        }

        SendToPairLocked(pair, buffer.AsSpan(0, writer.Length));
    }

    private void HandleBindingResponseLocked(LocalCandidateEntry local, SocketAddressKey from, StunMessage message)
    {
        if (!_transactions.TryGetValue(message.TransactionId, out var transaction))
        {
            return;
        }

        var pair = transaction.Pair;
        if (pair.Local != local || !pair.Remote.Address.Equals(from.Address))
        {
            // RFC 8445 §7.2.5.2.1: a response from elsewhere than the request went to fails the check.
            _transactions.Remove(message.TransactionId);
            OnCheckFailedLocked(pair, "non-symmetric response", _time.GetUtcNow());
            return;
        }

        if (_remoteKey is null || !message.VerifyMessageIntegrity(_remoteKey) || (message.HasFingerprint && !message.VerifyFingerprint()))
        {
            return; // forged or stale: keep retransmitting
        }

        _transactions.Remove(message.TransactionId);
        var now = _time.GetUtcNow();
        if (message.Class == StunClass.ErrorResponse)
        {
            if (message.TryGetErrorCode(out var code, out var reason) && code == StunErrorCode.RoleConflict)
            {
                if (transaction.SentControlling == _controlling)
                {
                    SetRoleLocked(!_controlling);
                }

                if (transaction.Kind == TransactionKind.Check)
                {
                    pair.State = CandidatePairState.Waiting;
                    _triggered.AddLast(pair);
                }
            }
            else if (transaction.Kind == TransactionKind.Check)
            {
                OnCheckFailedLocked(pair, $"error {code} {reason}", now);
            }

            return;
        }

        if (transaction.Kind == TransactionKind.Consent || pair == _selected)
        {
            if (pair == _selected)
            {
                _lastConsent = now;
                if (_state == IceConnectionState.Disconnected)
                {
                    SetStateLocked(IceConnectionState.Connected);
                }
            }

            if (transaction.Kind == TransactionKind.Consent)
            {
                return;
            }
        }

        if (pair.State != CandidatePairState.Succeeded)
        {
            pair.State = CandidatePairState.Succeeded;
            RebuildValidPairsLocked();
        }

        if (_controlling)
        {
            if (transaction.UseCandidate)
            {
                SelectLocked(pair, now);
            }
            else
            {
                ConsiderNominationLocked(now);
            }
        }
        else if (pair.PeerNominated)
        {
            SelectLocked(pair, now);
        }
    }

    private void ConsiderNominationLocked(DateTimeOffset now)
    {
        if (!_controlling || (_selected is not null && !_restartPending) || _pairs.Exists(static p => p.Nominating))
        {
            _nominationDeadline = null;
            return;
        }

        var best = _pairs.Find(static p => p.State == CandidatePairState.Succeeded);
        if (best is null)
        {
            _nominationDeadline = null;
            return;
        }

        var betterPending = _pairs.Exists(p => p.Priority > best.Priority && p.State is CandidatePairState.Waiting or CandidatePairState.InProgress);
        if (!betterPending || (_nominationDeadline is { } deadline && now >= deadline))
        {
            _nominationDeadline = null;
            best.Nominating = true;
            _triggered.AddFirst(best);
            _nextCheckAt = now;
        }
        else
        {
            _nominationDeadline ??= now + _options.NominationDelay;
        }
    }

    private void SelectLocked(CandidatePairEntry pair, DateTimeOffset now)
    {
        var current = _selected;
        if (current == pair)
        {
            return;
        }

        if (current is not null && !_restartPending && (_controlling || pair.Priority <= current.Priority))
        {
            return;
        }

        _selected = pair;
        _restartPending = false;
        _lastConsent = now;
        _nextConsentAt = now + NextConsentInterval();
        IceLog.PairSelected(_logger, pair.ToString(), _controlling);
        OnPairSelectedLocked(pair);
        SetStateLocked(IceConnectionState.Connected);
        _connected.TrySetResult();
    }

    private void FailLocked(string reason)
    {
        IceLog.Failed(_logger, reason);
        _selected = null;
        _validPairs = [];
        _transactions.Clear();
        _triggered.Clear();
        _nominationDeadline = null;
        SetStateLocked(IceConnectionState.Failed);
        _connected.TrySetException(new IceException($"ICE failed: {reason}."));
    }

    private TimeSpan NextConsentInterval()
    {
        var baseInterval = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, _options.ConsentTimeout.Ticks / 4));
        return baseInterval * (0.8 + (0.4 * RandomNumberGenerator.GetInt32(1000) / 1000.0));
    }

    /// <summary>
    /// Pairs data may use before nomination completes (RFC 8445 §12: any valid pair), plus pairs the peer proved with
    /// an authenticated check, so an early DTLS flight is neither dropped nor left unanswered.
    /// </summary>
    private void RebuildValidPairsLocked() =>
        _validPairs = [.. _pairs.Where(static p => p.State == CandidatePairState.Succeeded || p.RemoteAuthenticated)];

    private void RescheduleLocked()
    {
        if (_disposed)
        {
            return;
        }

        var next = DateTimeOffset.MaxValue;
        if (ChecksActive && (_triggered.Count > 0 || _pairs.Exists(static p => p.State == CandidatePairState.Waiting)))
        {
            next = _nextCheckAt;
        }

        foreach (var transaction in _transactions.Values)
        {
            if (transaction.Due < next)
            {
                next = transaction.Due;
            }
        }

        if (_nominationDeadline is { } nomination && nomination < next)
        {
            next = nomination;
        }

        if (ChecksActive && _selected is null && _checksStartedAt is { } started)
        {
            var connectDeadline = started + _options.ConnectTimeout;
            next = connectDeadline < next ? connectDeadline : next;
            if (_remoteEndOfCandidates)
            {
                var soon = _time.GetUtcNow() + Ta;
                next = soon < next ? soon : next;
            }
        }

        if (_selected is not null && _state is IceConnectionState.Connected or IceConnectionState.Disconnected)
        {
            var consentDeadline = _lastConsent + (_state == IceConnectionState.Connected ? DisconnectedAfter : _options.ConsentTimeout);
            next = _nextConsentAt < next ? _nextConsentAt : next;
            next = consentDeadline < next ? consentDeadline : next;
        }

        if (next == DateTimeOffset.MaxValue)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = next - _time.GetUtcNow();
        _timer.Change(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan);
    }

    private RemoteCandidateEntry? FindRemoteLocked(System.Net.SocketAddress address) =>
        _remoteCandidates.Find(r => r.Address.Equals(address));

    private void AddRemoteLocked(RemoteCandidateEntry remote)
    {
        _remoteCandidates.Add(remote);
        foreach (var local in _localCandidates)
        {
            if (local.IsBase && IsAdvertised(local))
            {
                AddPairLocked(local, remote);
            }
        }
    }

    private CandidatePairEntry? AddPairLocked(LocalCandidateEntry local, RemoteCandidateEntry remote)
    {
        if (local.PairFamily != remote.EndPoint.AddressFamily)
        {
            return null;
        }

        var existing = _pairs.Find(p => p.Local == local && p.Remote == remote);
        if (existing is not null)
        {
            return existing;
        }

        var pair = new CandidatePairEntry(local, remote);
        pair.ComputePriority(_controlling);
        var index = _pairs.FindIndex(p => p.Priority < pair.Priority);
        _pairs.Insert(index < 0 ? _pairs.Count : index, pair);
        OnPairAddedLocked(pair);
        return pair;
    }

    private void SendErrorLocked(LocalCandidateEntry local, SocketAddressKey to, StunTransactionId id, int code, string reason, ushort unknownAttribute = 0)
    {
        Span<byte> buffer = stackalloc byte[128];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.ErrorResponse, id);
        writer.AddErrorCode(code, reason);
        if (unknownAttribute != 0)
        {
            Span<byte> value = [(byte)(unknownAttribute >> 8), (byte)unknownAttribute];
            writer.AddAttribute(StunAttributeType.UnknownAttributes, value);
        }

        if (code != StunErrorCode.Unauthenticated)
        {
            writer.AddMessageIntegrity(_localKey);
        }

        writer.AddFingerprint();
        SendToLocked(local, to, buffer[..writer.Length]);
    }

    private void SendBindingSuccessLocked(LocalCandidateEntry local, SocketAddressKey to, StunTransactionId id)
    {
        Span<byte> buffer = stackalloc byte[128];
        var writer = new StunMessageWriter(buffer, StunMethod.Binding, StunClass.SuccessResponse, id);
        writer.AddXorAddress(StunAttributeType.XorMappedAddress, to.EndPoint);
        writer.AddMessageIntegrity(_localKey);
        writer.AddFingerprint();
        SendToLocked(local, to, buffer[..writer.Length]);
    }

    private void HandleBindingRequestLocked(LocalCandidateEntry local, SocketAddressKey from, StunMessage message)
    {
        if (!IsAdvertised(local) || (_options.RemoteAddressFilter is { } filter && !filter(from.EndPoint.Address)))
        {
            return;
        }

        if (message.HasFingerprint && !message.VerifyFingerprint())
        {
            IceLog.RequestRejected(_logger, from.EndPoint, "bad FINGERPRINT");
            return;
        }

        if (!message.TryGetString(StunAttributeType.Username, out var username)
            || !username.StartsWith(LocalUfrag + ":", StringComparison.Ordinal)
            || !message.VerifyMessageIntegrity(_localKey))
        {
            IceLog.RequestRejected(_logger, from.EndPoint, "USERNAME or MESSAGE-INTEGRITY does not match the local credentials");
            SendErrorLocked(local, from, message.TransactionId, StunErrorCode.Unauthenticated, "Unauthenticated");
            return;
        }

        var unknown = message.FindUnknownComprehensionRequired(KnownRequestAttributes);
        if (unknown != 0)
        {
            SendErrorLocked(local, from, message.TransactionId, StunErrorCode.UnknownAttribute, "Unknown Attribute", unknown);
            return;
        }

        // RFC 8445 §7.3.1.1 role conflict repair.
        if (_controlling && message.TryGetUInt64(StunAttributeType.IceControlling, out var theirs))
        {
            if (_tieBreaker >= theirs)
            {
                SendErrorLocked(local, from, message.TransactionId, StunErrorCode.RoleConflict, "Role Conflict");
                return;
            }

            SetRoleLocked(controlling: false);
        }
        else if (!_controlling && message.TryGetUInt64(StunAttributeType.IceControlled, out theirs))
        {
            if (_tieBreaker >= theirs)
            {
                SetRoleLocked(controlling: true);
            }
            else
            {
                SendErrorLocked(local, from, message.TransactionId, StunErrorCode.RoleConflict, "Role Conflict");
                return;
            }
        }

        SendBindingSuccessLocked(local, from, message.TransactionId);

        var remote = FindRemoteLocked(from.Address);
        if (remote is null)
        {
            var priority = message.TryGetUInt32(StunAttributeType.Priority, out var p)
                ? p
                : IceCandidate.ComputePriority(IceCandidateType.PeerReflexive, 0);
            var candidate = new IceCandidate(
                $"prflx{++_prflxCounter}", 1, "udp", priority, from.EndPoint.Address.ToString(), from.EndPoint.Port, IceCandidateType.PeerReflexive);
            remote = new RemoteCandidateEntry(candidate, from.EndPoint);
            IceLog.PeerReflexiveLearned(_logger, from.EndPoint);
            AddRemoteLocked(remote);
        }

        var pair = AddPairLocked(local, remote);
        if (pair is null)
        {
            return;
        }

        if (!_controlling && message.HasAttribute(StunAttributeType.UseCandidate))
        {
            pair.PeerNominated = true;
        }

        if (!pair.RemoteAuthenticated)
        {
            pair.RemoteAuthenticated = true;
            RebuildValidPairsLocked();
        }

        switch (pair.State)
        {
            case CandidatePairState.Succeeded:
                if (!_controlling && pair.PeerNominated)
                {
                    SelectLocked(pair, _time.GetUtcNow());
                }

                break;
            case CandidatePairState.Waiting or CandidatePairState.Failed:
                pair.State = CandidatePairState.Waiting;
                if (!_triggered.Contains(pair))
                {
                    _triggered.AddLast(pair);
                }

                break;
            default:
                break;
        }

        StartChecksLocked();
    }
}
