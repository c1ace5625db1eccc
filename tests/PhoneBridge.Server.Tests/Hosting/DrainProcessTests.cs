using System.Net;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;
using PhoneBridge.Testing.Server;
using PhoneBridge.Testing.TwilioRest;

namespace PhoneBridge.Server.Tests.Hosting;

/// <summary>
/// The drain on SIGTERM, on the real server process with the local echo edge and simulated Twilio phones: the calls
/// in progress finish, new ones are sent elsewhere, and the process exits after the last call (or after the drain
/// timeout, once the calls left are hung up through the provider).
/// </summary>
public sealed class DrainProcessTests
{
    private const string AuthToken = "drain-test-token";
    private const int Calls = 20;

    /// <summary>Generous for a loaded 2-core machine.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sigterm_lets_20_calls_finish_refuses_new_ones_and_exits_after_the_last()
    {
        await using var server = await ServerProcess.StartAsync(new ServerProcessOptions
        {
            Settings = new Dictionary<string, string>
            {
                ["Twilio__AuthToken"] = AuthToken,
                ["PhoneBridge__ApiKey"] = "drain-api-key",
            },
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var caller = new TwilioCallerOptions { Server = server.Url, AuthToken = AuthToken };
        await using var pacer = new FramePacer(TimeProvider.System);
        var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(3));

        var calls = new List<TwilioMediaCall>();
        try
        {
            for (var i = 0; i < Calls; i++)
            {
                var call = await TwilioPhone.DialAsync(http, caller, TimeProvider.System, null, CancellationToken.None);
                calls.Add(call);
                call.Play(audio, audio.FrameCount, pacer);
            }

            // Registered (webhook answered) just before the signal; its media socket comes during the drain.
            var lateSid = TwilioSids.NewCallSid();
            var lateStream = await new TwilioWebhookClient(http, caller).RingAsync(lateSid, CancellationToken.None);

            server.Signal(ServerProcess.SigTerm);

            // Not ready at once, while alive; new calls get 503 with Retry-After.
            Assert.True(await EventuallyAsync(async () => await StatusAsync(http, server, "/health/ready") == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(15)), "/health/ready did not turn 503");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(http, server, "/health"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, server, "/health/live"));
            using (var refused = await PostVoiceAsync(http, caller, TwilioSids.NewCallSid()))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Equal(TimeSpan.FromSeconds(10), refused.Headers.RetryAfter?.Delta);
            }

            await using (var late = await TwilioMediaCall.ConnectAsync(lateStream, lateSid, caller.AccountSid, AuthToken, TimeProvider.System, null, CancellationToken.None))
            {
                await late.StartAsync(CancellationToken.None);
                late.Play(audio, audio.FrameCount, pacer);
                Assert.True(await late.WaitForEchoesAsync(Generous, CancellationToken.None), Describe(late.Report()));
                await late.HangUpAsync(Generous, CancellationToken.None);
                AssertFinishedNormally(late.Report(), audio.FrameCount);
            }

            for (var i = 0; i < calls.Count; i++)
            {
                var call = calls[i];
                Assert.True(await call.WaitForEchoesAsync(Generous, CancellationToken.None), Describe(call.Report()));
                Assert.False(server.HasExited, $"the server exited with {calls.Count - i} calls still up");
                await call.HangUpAsync(Generous, CancellationToken.None);
                AssertFinishedNormally(call.Report(), audio.FrameCount);
            }

            Assert.True(await server.WaitForExitAsync(Generous), "the server did not exit after its last call");
            Assert.Equal(0, server.ExitCode);
            var output = string.Join('\n', server.Output);
            Assert.Contains("draining", output, StringComparison.Ordinal);
            Assert.Contains("0 calls left", output, StringComparison.Ordinal);
            Assert.Contains("Drained after", output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var call in calls)
            {
                await call.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task After_the_drain_timeout_the_calls_left_are_hung_up_through_the_provider_and_the_process_exits()
    {
        await using var twilio = await FakeTwilioApi.StartAsync("AC" + new string('0', 31) + "7", AuthToken);
        await using var server = await ServerProcess.StartAsync(new ServerProcessOptions
        {
            Settings = new Dictionary<string, string>
            {
                ["Twilio__AuthToken"] = AuthToken,
                ["Twilio__AccountSid"] = twilio.AccountSid,
                ["Twilio__ApiBaseUrl"] = twilio.BaseUrl,
                ["PhoneBridge__Server__DrainTimeout"] = "00:00:03",
            },
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var caller = new TwilioCallerOptions { Server = server.Url, AuthToken = AuthToken };
        await using var pacer = new FramePacer(TimeProvider.System);
        var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(1));
        await using var first = await TwilioPhone.DialAsync(http, caller, TimeProvider.System, null, CancellationToken.None);
        await using var second = await TwilioPhone.DialAsync(http, caller, TimeProvider.System, null, CancellationToken.None);
        foreach (var call in new[] { first, second })
        {
            twilio.Calls[call.CallSid] = "in-progress";
            call.Play(audio, audio.FrameCount, pacer);
            Assert.True(await call.WaitForEchoesAsync(Generous, CancellationToken.None), Describe(call.Report()));
        }

        server.Signal(ServerProcess.SigTerm);

        // Neither caller hangs up: the drain timeout does, through Twilio's API, and the bridge closes both sockets.
        Assert.True(await server.WaitForExitAsync(Generous), "the server did not exit after the drain timeout");
        Assert.Equal(0, server.ExitCode);
        foreach (var call in new[] { first, second })
        {
            await call.WaitClosedAsync(Generous, CancellationToken.None);
            Assert.True(call.Report().ClosedByServer, Describe(call.Report()));
            // The drain's hang-up, and the bridge's own when the socket closes (Twilio treats it as done already).
            var updates = twilio.Requests.Where(r => r.Path.EndsWith($"/Calls/{call.CallSid}.json", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(updates);
            Assert.All(updates, update => Assert.Equal(["completed"], update.Form["Status"]));
        }

        var output = string.Join('\n', server.Output);
        Assert.Contains("DrainTimeout 00:00:03 passed: hanging up the 2 calls left", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_signal_stops_at_once_ending_the_calls_left()
    {
        await using var server = await ServerProcess.StartAsync(new ServerProcessOptions
        {
            Settings = new Dictionary<string, string> { ["Twilio__AuthToken"] = AuthToken },
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var caller = new TwilioCallerOptions { Server = server.Url, AuthToken = AuthToken };
        await using var pacer = new FramePacer(TimeProvider.System);
        var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(1));
        await using var call = await TwilioPhone.DialAsync(http, caller, TimeProvider.System, null, CancellationToken.None);
        call.Play(audio, audio.FrameCount, pacer);
        Assert.True(await call.WaitForEchoesAsync(Generous, CancellationToken.None), Describe(call.Report()));

        server.Signal(ServerProcess.SigInt);
        Assert.True(await EventuallyAsync(async () => await StatusAsync(http, server, "/health/ready") == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(15)), "/health/ready did not turn 503");
        Assert.False(server.HasExited);

        server.Signal(ServerProcess.SigTerm);

        // The drain timeout is 30 minutes: only the second signal can stop it this soon; the call is ended by the server.
        Assert.True(await server.WaitForExitAsync(Generous), "the server did not stop on the second signal");
        Assert.Equal(0, server.ExitCode);
        await call.WaitClosedAsync(Generous, CancellationToken.None);
        Assert.True(call.Report().ClosedByServer, Describe(call.Report()));
        Assert.Contains("SIGTERM received: stopping now", string.Join('\n', server.Output), StringComparison.Ordinal);
    }

    private static void AssertFinishedNormally(TwilioCallReport report, int frames)
    {
        Assert.Equal(frames, report.FramesSent);
        Assert.True(report.FramesEchoed == report.FramesSent && report.FramesLost == 0, Describe(report));
        Assert.True(report.Failure is null && !report.ClosedByServer && report.InvalidMessagesReceived == 0, Describe(report));
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, ServerProcess server, string path)
    {
        using var response = await http.GetAsync(new Uri(server.Url, path));
        return response.StatusCode;
    }

    private static async Task<HttpResponseMessage> PostVoiceAsync(HttpClient http, TwilioCallerOptions caller, string callSid)
    {
        var form = new TwilioWebhookClient(http, caller).VoiceForm(callSid);
        using var request = new HttpRequestMessage(HttpMethod.Post, caller.PostUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation(TwilioSignature.HeaderName, TwilioSignature.Compute(caller.AuthToken, caller.WebhookUrl.AbsoluteUri, form));
        return await http.SendAsync(request);
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    private static string Describe(TwilioCallReport report) =>
        $"sent {report.FramesSent}, echoed {report.FramesEchoed}, lost {report.FramesLost}, closed by server {report.ClosedByServer} ({report.CloseStatus} {report.CloseDescription}), failure {report.Failure}";
}
