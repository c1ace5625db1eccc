using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Browser.Media;
using PhoneBridge.Browser.Webhooks;
using PhoneBridge.Core.Calls;
using PhoneBridge.Rtc;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Browser.Listen;

/// <summary>
/// Listen-in connections: for each, a send-only <see cref="PeerConnection"/> whose one track carries the call's mix
/// (<see cref="ICallListenIn"/>) at the phone's rate, encoded on the phone's receive loop as each frame of the mix
/// is made. A connection lasts until the browser closes it or goes away (consent lost), the call ends, or the host
/// stops; then its listener is removed and the connection closed.
/// </summary>
internal sealed class ListenSessions(
    PeerConnectionFactory connections,
    IOptions<RtcOptions> rtc,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ListenSessions> logger)
{
    /// <summary>Answers a receive-only <paramref name="offer"/> with the call's mix; a problem status (400, 409, 429) when it cannot.</summary>
    public async Task<(ListenAnswer? Answer, int Status, string? Problem)> StartAsync(LiveCall call, string offer, CancellationToken cancellationToken)
    {
        if (call.Media is not ICallListenIn listenIn || listenIn.SampleRate == 0)
        {
            return (null, 409, "The call's media has not started yet; listen once it is answered.");
        }

        var rate = listenIn.SampleRate;
        var pc = connections.Create();
        CallListener? listener = null;
        var handedOver = false;
        try
        {
            pc.DefaultReceiveSampleRate = rate;
            var track = pc.AddAudioTrack(MediaDirection.SendOnly, rate, "call-mix", "phonebridge-listen");
            try
            {
                await OfferAnswer.ApplyOfferAsync(pc, offer, rtc.Value, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return (null, 400, "The offer cannot be used: " + e.Message);
            }

            listener = listenIn.AddListener(track);
            if (listener is null)
            {
                return call.State == CallState.Ended
                    ? (null, 409, "The call has ended.")
                    : (null, 429, $"The call already has {CallListener.MaxPerCall} listeners.");
            }

            var answer = await OfferAnswer.AnswerAsync(pc, time, cancellationToken).ConfigureAwait(false);
            ListenSessionsLog.Listening(logger, call.CallId, rate);
            handedOver = true;
            _ = Task.Run(() => RunAsync(call.CallId, pc, listener), CancellationToken.None);
            return (new ListenAnswer(answer), 200, null);
        }
        catch (IceException e)
        {
            return (null, 503, "The server could not open a WebRTC transport: " + e.Message);
        }
        finally
        {
            if (!handedOver)
            {
                listener?.Dispose();
                await pc.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task RunAsync(string callId, PeerConnection pc, CallListener listener)
    {
        var gone = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnState(PeerConnectionState state)
        {
            switch (state)
            {
                case PeerConnectionState.Failed:
                    gone.TrySetResult("the connection failed or never came up");
                    break;
                case PeerConnectionState.Closed:
                    gone.TrySetResult("the browser closed the connection");
                    break;
            }
        }

        pc.StateChanged += OnState;
        OnState(pc.State);
        using var stopping = lifetime.ApplicationStopping.Register(() => gone.TrySetResult("the server is stopping"));
        try
        {
            var first = await Task.WhenAny(gone.Task, listener.Ended).ConfigureAwait(false);
            var reason = first == gone.Task ? await gone.Task.ConfigureAwait(false) : "the call ended";
            ListenSessionsLog.Left(logger, callId, reason);
        }
        finally
        {
            pc.StateChanged -= OnState;
            listener.Dispose();
            await pc.DisposeAsync().ConfigureAwait(false);
        }
    }
}
