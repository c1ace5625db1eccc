using System.Net.Http.Headers;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;

namespace PhoneBridge.Simulator.Telnyx;

/// <summary>
/// Places a simulated incoming Telnyx call: a signed <c>call.initiated</c> webhook, the <c>answer</c> command
/// caught by the fake Call Control API, then the media socket on the URL the answer named, with its codec.
/// </summary>
public sealed class TelnyxPhone(HttpClient http, Uri server, TelnyxWebhookSigner signer, FakeCallControlApi api, TimeProvider time)
{
    public static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(20);

    public string From { get; init; } = "+15551230000";

    public string To { get; init; } = "+15559870000";

    /// <summary>The codec of the simulated caller's leg; Telnyx streams it when it cannot transcode to the requested one.</summary>
    public string LegCodec { get; init; } = "PCMU";

    /// <summary>
    /// What Telnyx announces in <c>start</c> for a requested two-way codec: it transcodes only between PCMU and
    /// PCMA, so any other codec the leg does not carry gives the leg's codec instead.
    /// </summary>
    public static string AnnouncedCodec(string requested, string legCodec) =>
        requested == legCodec || (requested is "PCMU" or "PCMA" && legCodec is "PCMU" or "PCMA") ? requested : legCodec;

    public async Task<TelnyxMediaCall> RingAsync(CancellationToken cancellationToken)
    {
        var callControlId = "v3:sim-" + Guid.NewGuid().ToString("N");
        api.AddIncomingCall(callControlId);
        var body = TelnyxWebhookBodies.CallInitiated(Guid.NewGuid().ToString(), callControlId, From, To, time.GetUtcNow());
        await PostWebhookAsync(body, cancellationToken).ConfigureAwait(false);

        var answer = await api.WaitForAsync("answer", callControlId, AnswerTimeout, cancellationToken).ConfigureAwait(false);
        var streamUrl = new Uri(answer.String("stream_url") ?? throw new SimulatorException("The answer named no stream_url."));
        var codec = AnnouncedCodec(answer.String("stream_bidirectional_codec") ?? "PCMU", LegCodec);

        // The answer names the public host (e.g. a tunnel); reach the same path on the server directly.
        var direct = new UriBuilder(server)
        {
            Scheme = server.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Path = streamUrl.AbsolutePath,
        };
        return await TelnyxMediaCall.ConnectAsync(direct.Uri, callControlId, codec, time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The callee of a call the bridge dialled picks up as <paramref name="answerAs"/>: <c>call.answered</c>, the media
    /// socket on the dial's <c>stream_url</c>, and, if the dial asked for <c>answering_machine_detection</c>, the
    /// webhooks Telnyx sends for that setting. A machine plays its greeting and beep into the call; its
    /// <c>call.machine.detection.ended</c> comes once the greeting has gone on for a while, its
    /// <c>greeting.ended</c> (settings that listen for the beep, and <c>premium</c>) once the beep has played.
    /// </summary>
    /// <param name="greeting">The machine's greeting before the beep (default <see cref="MachineGreeting.DefaultGreeting"/>).</param>
    public async Task<TelnyxMediaCall> AnswerDialAsync(
        FakeCommand dial, AnswerAs answerAs, FramePacer pacer, TimeSpan? greeting = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dial);
        ArgumentNullException.ThrowIfNull(pacer);
        var callControlId = dial.CallControlId;
        await PostWebhookAsync(TelnyxWebhookBodies.CallAnswered(Guid.NewGuid().ToString(), callControlId, time.GetUtcNow()), cancellationToken)
            .ConfigureAwait(false);
        var streamUrl = new Uri(dial.String("stream_url") ?? throw new SimulatorException("The dial named no stream_url."));
        var codec = AnnouncedCodec(dial.String("stream_bidirectional_codec") ?? "PCMU", LegCodec);
        var direct = new UriBuilder(server) { Scheme = server.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Path = streamUrl.AbsolutePath };
        var call = await TelnyxMediaCall.ConnectAsync(direct.Uri, callControlId, codec, time, cancellationToken).ConfigureAwait(false);
        try
        {
            var detection = dial.String("answering_machine_detection");
            if (answerAs == AnswerAs.Machine)
            {
                call.Play(MachineGreeting.Pcm(call.SampleRate, greeting ?? MachineGreeting.DefaultGreeting), pacer);
            }

            if (detection is null or "disabled")
            {
                return call;
            }

            var premium = detection == "premium";
            var verdict = (answerAs, premium) switch
            {
                (AnswerAs.Human, true) => "human_residence",
                (AnswerAs.Human, false) => "human",
                _ => "machine",
            };
            if (answerAs == AnswerAs.Machine)
            {
                // Telnyx decides "machine" while the greeting is still going on.
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
            }

            await PostWebhookAsync(
                TelnyxWebhookBodies.MachineDetection(
                    premium ? "call.machine.premium.detection.ended" : "call.machine.detection.ended",
                    Guid.NewGuid().ToString(), callControlId, verdict, time.GetUtcNow()),
                cancellationToken).ConfigureAwait(false);

            // detect reports the verdict only; the others listen on for the end of the greeting or its beep.
            if (answerAs == AnswerAs.Machine && detection != "detect")
            {
                await call.PlaybackCompleted.WaitAsync(cancellationToken).ConfigureAwait(false);
                await PostWebhookAsync(
                    TelnyxWebhookBodies.MachineDetection(
                        premium ? "call.machine.premium.greeting.ended" : "call.machine.greeting.ended",
                        Guid.NewGuid().ToString(), callControlId, "beep_detected", time.GetUtcNow()),
                    cancellationToken).ConfigureAwait(false);
            }

            return call;
        }
        catch
        {
            await call.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The caller hangs up: the stream stops, the call ends at Telnyx and <c>call.hangup</c> is delivered.</summary>
    public async Task HangUpAsync(TelnyxMediaCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        await call.HangUpAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        api.EndCall(call.CallControlId);
        var body = TelnyxWebhookBodies.CallHangup(Guid.NewGuid().ToString(), call.CallControlId, "normal_clearing", time.GetUtcNow());
        await PostWebhookAsync(body, cancellationToken).ConfigureAwait(false);
    }

    public async Task PostWebhookAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/telnyx/events"))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        signer.AddHeaders(request, body, time.GetUtcNow());
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new SimulatorException($"The server refused the Telnyx webhook: HTTP {(int)response.StatusCode}.");
        }
    }
}
