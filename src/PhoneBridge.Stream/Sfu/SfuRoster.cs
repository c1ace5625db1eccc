using PhoneBridge.Stream.Sfu.Models;
using PhoneBridge.Stream.Sfu.Signal;

namespace PhoneBridge.Stream.Sfu;

/// <summary>
/// Participants of the call by session id, seeded from the join response and kept by events. The SFU may repeat
/// or skip <c>participant_joined</c>, so every change is an upsert keyed by session id.
/// </summary>
public sealed class SfuRoster
{
    private readonly Dictionary<string, Participant> _bySession = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public SfuRoster(string localSessionId)
    {
        LocalSessionId = localSessionId;
    }

    /// <summary>Our own session (excluded from subscriptions).</summary>
    public string LocalSessionId { get; internal set; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _bySession.Count;
            }
        }
    }

    public void Reset(IEnumerable<Participant> participants)
    {
        lock (_lock)
        {
            _bySession.Clear();
            foreach (var p in participants)
            {
                if (!string.IsNullOrEmpty(p.SessionId))
                {
                    _bySession[p.SessionId] = p.Clone();
                }
            }
        }
    }

    public void Upsert(Participant participant)
    {
        if (string.IsNullOrEmpty(participant.SessionId))
        {
            return;
        }

        lock (_lock)
        {
            _bySession[participant.SessionId] = participant.Clone();
        }
    }

    public bool Remove(string sessionId)
    {
        lock (_lock)
        {
            return _bySession.Remove(sessionId);
        }
    }

    /// <summary>Marks a track published or unpublished, creating a minimal entry if the participant is unknown.</summary>
    public void SetTrack(string userId, string sessionId, TrackType type, bool published, Participant? participant)
    {
        if (string.IsNullOrEmpty(sessionId))
        {
            return;
        }

        lock (_lock)
        {
            if (participant is not null && participant.SessionId == sessionId)
            {
                _bySession[sessionId] = participant.Clone();
            }

            if (!_bySession.TryGetValue(sessionId, out var entry))
            {
                entry = new Participant { UserId = userId, SessionId = sessionId };
                _bySession[sessionId] = entry;
            }

            var has = entry.PublishedTracks.Contains(type);
            if (published && !has)
            {
                entry.PublishedTracks.Add(type);
            }
            else if (!published && has)
            {
                entry.PublishedTracks.Remove(type);
            }
        }
    }

    public Participant? Find(string sessionId)
    {
        lock (_lock)
        {
            return _bySession.TryGetValue(sessionId, out var p) ? p.Clone() : null;
        }
    }

    /// <summary>The participant whose <c>track_lookup_prefix</c> starts an msid stream id.</summary>
    public Participant? FindByStreamId(string? streamId)
    {
        if (!TrackLookup.TryParseStreamId(streamId, out var prefix, out _))
        {
            return null;
        }

        lock (_lock)
        {
            foreach (var p in _bySession.Values)
            {
                if (p.TrackLookupPrefix == prefix)
                {
                    return p.Clone();
                }
            }
        }

        return null;
    }

    public IReadOnlyList<Participant> Snapshot()
    {
        lock (_lock)
        {
            return _bySession.Values.Select(p => p.Clone()).ToList();
        }
    }

    /// <summary>The complete desired subscription set: every other participant's published audio.</summary>
    public List<TrackSubscriptionDetails> DesiredAudioSubscriptions()
    {
        lock (_lock)
        {
            return _bySession.Values
                .Where(p => p.SessionId != LocalSessionId && p.PublishedTracks.Contains(TrackType.Audio))
                .OrderBy(p => p.SessionId, StringComparer.Ordinal)
                .Select(p => new TrackSubscriptionDetails { UserId = p.UserId, SessionId = p.SessionId, TrackType = TrackType.Audio })
                .ToList();
        }
    }
}
