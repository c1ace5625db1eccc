using PhoneBridge.Rtc;

namespace PhoneBridge.Browser.Media;

/// <summary>Non-trickle answering: the browser's complete offer in, the server's answer with all its candidates out.</summary>
internal static class OfferAnswer
{
    // Host candidates exist once the answer is made; server-reflexive and relay ones (configured STUN/TURN) are waited
    // for this long at most, then the answer goes with what there is.
    private static readonly TimeSpan GatheringWait = TimeSpan.FromSeconds(5);

    /// <summary>Applies <paramref name="offer"/> to <paramref name="pc"/> (throws <see cref="FormatException"/> or
    /// <see cref="ArgumentException"/> for one it cannot use, nothing changed then).</summary>
    public static Task ApplyOfferAsync(PeerConnection pc, string offer, RtcOptions options, CancellationToken cancellationToken) =>
        pc.SetRemoteDescriptionAsync(new RtcSessionDescription(RtcSdpType.Offer, RemoteCandidates.Reachable(offer, options)), cancellationToken);

    /// <summary>Creates and applies the answer, waits for gathering, and returns the answer with its candidates.</summary>
    public static async Task<string> AnswerAsync(PeerConnection pc, TimeProvider time, CancellationToken cancellationToken)
    {
        var answer = await pc.CreateAnswerAsync(cancellationToken).ConfigureAwait(false);
        pc.SetLocalDescription(answer);
        try
        {
            await pc.GatheringComplete.WaitAsync(GatheringWait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Answer with the candidates gathered so far.
        }

        return pc.LocalDescription!.Sdp;
    }
}
