using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Browser.Webhooks;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Registry;
using PhoneBridge.Rtc;
using PhoneBridge.Rtc.Ice;
using PhoneBridge.Rtc.Sdp;

namespace PhoneBridge.Browser.Media;

/// <summary>
/// Runs browser calls: at most <see cref="BrowserOptions.MaxCalls"/> at once, each registered like a phone's webhook
/// would (provider <c>browser</c>, inbound, from <c>browser</c>), claimed at once by the one who holds its token (this
/// class), attached to the bridge as a <see cref="BrowserMediaStream"/> until either side ends it or the host stops,
/// and released whatever happens.
/// </summary>
internal sealed class BrowserCalls(
    ICallRegistry registry,
    CallBridge bridge,
    PeerConnectionFactory connections,
    IOptions<RtcOptions> rtc,
    IOptionsMonitor<BrowserOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger<BrowserCalls>();
    private int _active;

    /// <summary>Browser calls now, including those still answering.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>
    /// Answers <paramref name="offer"/> and starts the call. Null answer with a problem when the offer is unusable
    /// (status 400) or the limit is reached (status 503).
    /// </summary>
    public async Task<(BrowserCallAnswer? Answer, int Status, string? Problem)> StartAsync(string offer, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (Interlocked.Increment(ref _active) > settings.MaxCalls)
        {
            Interlocked.Decrement(ref _active);
            BrowserCallsLog.LimitReached(_logger, settings.MaxCalls);
            return (null, 503, $"This server takes at most {settings.MaxCalls} browser calls at once (PhoneBridge:Browser:MaxCalls).");
        }

        var handedOver = false;
        var pc = connections.Create();
        RegisteredCall? call = null;
        try
        {
            var rate = settings.SampleRate;
            pc.DefaultReceiveSampleRate = rate;
            var track = pc.AddAudioTrack(MediaDirection.SendRecv, rate, "agent-audio", "phonebridge");
            try
            {
                await OfferAnswer.ApplyOfferAsync(pc, offer, rtc.Value, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                BrowserCallsLog.OfferRefused(_logger, e.Message);
                return (null, 400, "The offer cannot be used: " + e.Message);
            }

            if (pc.RemoteTracks.Count == 0)
            {
                BrowserCallsLog.OfferRefused(_logger, "no audio sent by the browser");
                return (null, 400, "The offer cannot be used: it sends no audio (a microphone track, sendrecv).");
            }

            CallClaim claim;
            try
            {
                var registration = await registry.RegisterAsync(
                    new CallRegistrationRequest(BrowserProvider.Name, From: BrowserProvider.Name, ExpectedSampleRate: rate), cancellationToken)
                    .ConfigureAwait(false);
                claim = await registry.TryClaimAsync(registration.CallId, registration.Token, cancellationToken).ConfigureAwait(false);
                if (claim.Result != ClaimResult.Claimed || claim.Call is null)
                {
                    registry.Release(registration.CallId);
                    return (null, 503, "The call could not be registered.");
                }
            }
            catch (CallRegistryUnavailableException)
            {
                return (null, 503, "The call registry cannot be reached; try again.");
            }

            call = claim.Call;

            var answer = await OfferAnswer.AnswerAsync(pc, time, cancellationToken).ConfigureAwait(false);
            var stream = new BrowserMediaStream(pc, track, call.CallId, loggers.CreateLogger<BrowserMediaStream>());
            BrowserCallsLog.Answered(_logger, call.CallId, rate);
            handedOver = true;
            _ = Task.Run(() => RunAsync(call, stream), CancellationToken.None);
            return (new BrowserCallAnswer(call.CallId, answer), 200, null);
        }
        catch (IceException e)
        {
            BrowserCallsLog.TransportFailed(_logger, e.Message);
            return (null, 503, "The server could not open a WebRTC transport (PhoneBridge:Rtc: HostAddresses, PortRangeStart/End).");
        }
        finally
        {
            if (!handedOver)
            {
                if (call is not null)
                {
                    registry.Release(call.CallId);
                }

                await pc.DisposeAsync().ConfigureAwait(false);
                Interlocked.Decrement(ref _active);
            }
        }
    }

    private async Task RunAsync(RegisteredCall call, BrowserMediaStream stream)
    {
        try
        {
            await bridge.AttachPhoneToCallAsync(call, stream, PhoneParticipant.UserId(call.CallId), lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            BrowserCallsLog.BridgeFailed(_logger, e, call.CallId);
        }
        finally
        {
            registry.Release(call.CallId);
            await stream.DisposeAsync().ConfigureAwait(false);
            Interlocked.Decrement(ref _active);
        }
    }
}
