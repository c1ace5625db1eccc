using PhoneBridge.Rtc;

namespace PhoneBridge.Testing.Stream;

/// <summary>Chooses the fake SFU's media side; without one the fake hands out text-only SDP (signalling tests).</summary>
internal sealed partial class FakeStream
{
    /// <summary>
    /// The media side in use, or null for text-only SDP. Set before clients join; owned (disposed) by the fake.
    /// </summary>
    public IFakeSfuMedia? MediaSide { get; set; }

    /// <summary>False when the media side is shared between fakes: then disposing the fake only closes its own sessions' media.</summary>
    public bool OwnsMediaSide { get; set; } = true;

    /// <summary>Runs the media side on the project's own stack (<see cref="InProcessSfuMedia"/>); kept for existing callers.</summary>
    public PeerConnectionFactory? Media
    {
        get => (MediaSide as InProcessSfuMedia)?.Factory;
        set => MediaSide = value is null ? null : new InProcessSfuMedia(value, this);
    }

    /// <summary>Starts the aiortc media side (<see cref="AiortcSfuMedia"/>) and uses it for every later negotiation.</summary>
    public async Task<AiortcSfuMedia> UseAiortcMediaAsync(CancellationToken cancellationToken = default)
    {
        var media = await AiortcSfuMedia.StartAsync(cancellationToken).ConfigureAwait(false);
        MediaSide = media;
        return media;
    }

    /// <summary>
    /// Adds an agent participant played by the aiortc media side: it publishes audio, hears the latest publisher
    /// of the call and answers (<paramref name="mode"/> "echo": says back what it hears; "tone": a known signal; "silent": only listens).
    /// </summary>
    public async Task<FakeSession> AddAgentAsync(string callCid, string userId, string mode = "echo")
    {
        var media = MediaSide as AiortcSfuMedia ?? throw new InvalidOperationException("Agents need the aiortc media side.");
        var session = NewRemoteSession(callCid, userId, publishAudio: true);
        await media.AddAgentAsync(session, mode).ConfigureAwait(false);
        await AnnounceRemoteAsync(session).ConfigureAwait(false);
        return session;
    }

    private async Task DisposeMediaAsync()
    {
        if (MediaSide is not { } media)
        {
            return;
        }

        if (OwnsMediaSide)
        {
            await media.DisposeAsync().ConfigureAwait(false);
            return;
        }

        foreach (var session in _sessions.Values)
        {
            await media.CloseAsync(session).ConfigureAwait(false);
        }
    }

    private async Task CloseMediaAsync(FakeSession session)
    {
        if (MediaSide is { } media)
        {
            await media.CloseAsync(session).ConfigureAwait(false);
        }
    }

    internal static int Peak(ReadOnlySpan<short> pcm)
    {
        var peak = 0;
        foreach (var s in pcm)
        {
            peak = Math.Max(peak, Math.Abs((int)s));
        }

        return peak;
    }
}
