using System.Net;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Cluster;

/// <summary>
/// Provider events and a load balancer across two instances: a Telnyx hangup webhook that reaches the instance which
/// answered the call ends it on the instance holding its media, and calls made through nginx (configured from
/// deploy/nginx, round-robin, no stickiness) work whichever instance each request lands on.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterEdgeTests
{
    private const string TelnyxApiKey = "KEY_cluster";

    [Fact]
    public async Task A_telnyx_hangup_webhook_at_A_ends_the_call_whose_media_B_holds()
    {
        using var signer = TelnyxWebhookSigner.CreateRandom();
        await using var telnyx = await FakeCallControlApi.StartAsync(TelnyxApiKey);
        await using var rig = await ClusterRig.StartAsync(more: new Dictionary<string, string>
        {
            ["Telnyx__ApiKey"] = TelnyxApiKey,
            ["Telnyx__PublicKey"] = signer.PublicKeyBase64,
            ["Telnyx__ApiBaseUrl"] = telnyx.BaseUrl.ToString(),
        });
        using var http = new HttpClient { Timeout = ClusterRig.Generous };
        var phoneAtA = new TelnyxPhone(http, rig.A.Url, signer, telnyx, TimeProvider.System);
        using var atB = new ClusterApi(rig.B.Url);

        // call.initiated reaches A, which answers with a stream URL; Telnyx opens it at B.
        var controlId = "v3:cluster-" + Guid.NewGuid().ToString("N");
        telnyx.AddIncomingCall(controlId);
        await phoneAtA.PostWebhookAsync(TelnyxWebhookBodies.CallInitiated(Guid.NewGuid().ToString(), controlId, "+15551230000", "+15559870000", DateTimeOffset.UtcNow), CancellationToken.None);
        var answer = await telnyx.WaitForAsync("answer", controlId, ClusterRig.Generous);
        var streamUrl = new Uri(answer.String("stream_url")!);
        var callId = streamUrl.Segments[^2].TrimEnd('/');
        var codec = TelnyxPhone.AnnouncedCodec(answer.String("stream_bidirectional_codec") ?? "PCMU", "PCMU");
        await using var media = await TelnyxMediaCall.ConnectAsync(
            new UriBuilder(rig.B.Url) { Scheme = "ws", Path = streamUrl.AbsolutePath }.Uri, controlId, codec, TimeProvider.System, CancellationToken.None);
        await using var pacer = new FramePacer(TimeProvider.System);
        media.Play([.. Enumerable.Range(0, 8000 * 30).Select(n => (short)(6000 * Math.Sin(2 * Math.PI * 440 * n / 8000)))], pacer);
        await atB.WaitAsync($"calls/{callId}", a => a.Status == HttpStatusCode.OK && a.Body.GetProperty("media").GetProperty("framesToPhone").GetInt64() > 0, "B to echo the Telnyx call");

        // The caller hangs up; Telnyx tells A (which answered the call) — B ends it and closes the media socket.
        telnyx.EndCall(controlId);
        await phoneAtA.PostWebhookAsync(TelnyxWebhookBodies.CallHangup(Guid.NewGuid().ToString(), controlId, "normal_clearing", DateTimeOffset.UtcNow), CancellationToken.None);
        await atB.WaitAsync($"calls/{callId}", a => a.Status == HttpStatusCode.NotFound, "B to end the call");
        await media.Completion.WaitAsync(ClusterRig.Generous);
    }

    [Fact]
    public async Task Calls_through_nginx_in_front_of_two_instances_echo_and_answer_control_requests_wherever_they_land()
    {
        await using var rig = await ClusterRig.StartAsync(withNginx: true);
        var nginx = rig.Nginx!.Url;
        using var api = new ClusterApi(nginx);
        await using var pacer = new FramePacer(TimeProvider.System);

        // Round-robin with no stickiness: the webhook and the media socket of a call land on either instance.
        var calls = new List<TwilioMediaCall>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var call = await rig.DialAsync(nginx, nginx);
                calls.Add(call);
                var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(2));
                call.Play(audio, audio.FrameCount, pacer);
            }

            // The list is every instance's, whichever one answers it.
            var ids = calls.Select(ClusterRoutingTests.CallIdOf).Order(StringComparer.Ordinal).ToArray();
            for (var ask = 0; ask < 2; ask++)
            {
                var list = await api.GetAsync("calls");
                Assert.True(list.Status == HttpStatusCode.OK, list.ToString());
                Assert.Equal(ids, list.Body.EnumerateArray().Select(c => c.GetProperty("callId").GetString()!).Order(StringComparer.Ordinal).ToArray());
            }

            var split = 0;
            foreach (var call in calls)
            {
                Assert.True(await call.WaitForEchoesAsync(ClusterRig.Generous, CancellationToken.None), call.Report().ToString());
                var callId = ClusterRoutingTests.CallIdOf(call);
                var entry = await rig.EntryAsync(callId);
                split += entry.GetValueOrDefault("registrar") != entry.GetValueOrDefault("owner") ? 1 : 0;

                // Asked twice, so both instances answer once: the owner itself, and the other one through it.
                for (var ask = 0; ask < 2; ask++)
                {
                    var got = await api.GetAsync($"calls/{callId}");
                    Assert.True(got.Status == HttpStatusCode.OK && got.Body.GetProperty("callId").GetString() == callId, got.ToString());
                }

                var hangup = await api.PostAsync($"calls/{callId}/hangup");
                Assert.True(hangup.Status == HttpStatusCode.Accepted, hangup.ToString());
                await call.WaitClosedAsync(ClusterRig.Generous, CancellationToken.None);
            }

            Assert.True(split > 0, "every call's webhook and media landed on the same instance: no round-robin?");
        }
        finally
        {
            foreach (var call in calls)
            {
                await call.DisposeAsync();
            }
        }
    }
}
