using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Telemetry;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Rtc;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;
using Xunit.Abstractions;

namespace PhoneBridge.Integration.Tests.Telemetry;

/// <summary>
/// The real server bridging simulated Twilio calls into the fake Stream (the project's own WebRTC stack on the SFU
/// side, an agent launched per call whose track echoes the caller): <c>/metrics</c> while a call is up, and the spans
/// of a call that has ended, caught by an in-memory exporter.
/// </summary>
public sealed class TelemetryServerTests(ITestOutputHelper output)
{
    private const string ApiKey = "telemetry-api-key";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>Each instrument as the Prometheus exporter names it: dots become underscores, units and _total are added.</summary>
    private static readonly string[] PrometheusNames =
    [
        "phonebridge_calls_active",
        "phonebridge_calls_started_total",
        "phonebridge_calls_ended_total",
        "phonebridge_call_duration_seconds_bucket",
        "phonebridge_join_duration_milliseconds_bucket",
        "phonebridge_frames_total",
        "phonebridge_frames_dropped_total",
        "phonebridge_latency_milliseconds_bucket",
        "phonebridge_rtp_jitter_milliseconds_bucket",
        "phonebridge_rtp_lost_total",
        "phonebridge_rtp_concealed_total",
        "phonebridge_webhooks_rejected_total",
        "phonebridge_edge_reconnects_total",
    ];

    [Fact]
    public async Task Metrics_during_a_call_list_every_instrument_and_an_ended_call_is_one_trace_without_numbers()
    {
        var spans = new List<Activity>();
        var rtc = new PeerConnectionFactory(Options.Create(new RtcOptions { HostAddresses = ["127.0.0.1"] }), NullLoggerFactory.Instance, TimeProvider.System);
        await using var fake = await FakeStream.StartAsync();
        fake.Media = rtc;
        fake.TrickleBeforeOffer = false;
        fake.EchoClientAudio = true;
        fake.EchoSampleRate = 8000;
        await using var agents = await FakeAgentServer.StartAsync();
        agents.SessionStarting = (callId, callType) => fake.AddRemoteParticipantAsync(callType + ":" + callId, "agent", publishAudio: true);
        await using var server = await BridgeServer.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["Stream:ApiKey"] = TestOptions.ApiKey,
                ["Stream:ApiSecret"] = TestOptions.ApiSecret,
                ["Stream:BaseUrl"] = fake.BaseUrl.ToString(),
                ["Agent:ServerUrl"] = agents.BaseUrl.ToString(),
                ["PhoneBridge:Rtc:HostAddresses:0"] = "127.0.0.1",
                ["PhoneBridge:ApiKey"] = ApiKey,
            },
            services: services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        using var http = server.NewHttpClient();
        var directory = server.Services.GetRequiredService<CallDirectory>();
        await using var pacer = new FramePacer(TimeProvider.System);
        var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(30));

        // An unsigned webhook, refused and counted.
        using (var unsigned = await http.PostAsync(new Uri(server.BaseUrl, "twilio/voice"), new FormUrlEncodedContent([new("CallSid", "CA1")])))
        {
            Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        }

        // A first call, bridged until the edge's RTP has been measured, then hung up: its duration and end are recorded.
        var (firstCallId, firstStreamUrl) = await CallUntilMeasuredAndHangUpAsync(http, server, directory, pacer, audio);

        // A second one stays up while /metrics is read.
        var second = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, new TwilioMediaCallOptions(), CancellationToken.None);
        await using (second)
        {
            second.Play(audio, audio.FrameCount, pacer);
            var secondCallId = CallIdOf(second.Report().StreamUrl!);
            Assert.True(await Eventually.TrueAsync(() => Measured(directory, secondCallId), Generous), "the second call's RTP to be measured");

            using (var anonymous = await http.GetAsync(new Uri(server.BaseUrl, "metrics")))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            }

            string text = string.Empty;
            Assert.True(
                await Eventually.TrueAsync(
                    () =>
                    {
                        text = ScrapeAsync(http, server).GetAwaiter().GetResult();
                        return PrometheusNames.All(name => Has(text, name)) && Value(text, "phonebridge_calls_active") >= 1;
                    },
                    Generous),
                "missing: " + string.Join(", ", PrometheusNames.Where(name => !Has(text, name))) + "\n" + text);
            output.WriteLine(text);

            // Plausible values: the counts of what this test did (other servers in this process may add to them).
            Assert.True(Value(text, "phonebridge_calls_started_total") >= 2);
            Assert.True(Value(text, "phonebridge_calls_ended_total") >= 1);
            Assert.True(Value(text, "phonebridge_call_duration_seconds_count") >= 1);
            Assert.True(Value(text, "phonebridge_call_duration_seconds_sum") > 0);
            Assert.True(Value(text, "phonebridge_join_duration_milliseconds_count") >= 2);
            Assert.InRange(Value(text, "phonebridge_join_duration_milliseconds_sum") / Value(text, "phonebridge_join_duration_milliseconds_count"), 1, 30000);
            Assert.True(Value(text, "phonebridge_frames_total", "direction=\"from_phone\"") >= 50);
            Assert.True(Value(text, "phonebridge_frames_total", "direction=\"to_phone\"") >= 50);
            Assert.True(Value(text, "phonebridge_latency_milliseconds_count", "direction=\"to_phone\"") >= 1);
            Assert.InRange(Value(text, "phonebridge_latency_milliseconds_sum") / Value(text, "phonebridge_latency_milliseconds_count"), 1, 1000);
            Assert.True(Value(text, "phonebridge_rtp_jitter_milliseconds_count") >= 1);
            Assert.InRange(Value(text, "phonebridge_rtp_jitter_milliseconds_sum") / Value(text, "phonebridge_rtp_jitter_milliseconds_count"), 0, 1000);
            Assert.True(Value(text, "phonebridge_webhooks_rejected_total", "reason=\"signature\"") >= 1);
            foreach (var reason in new[] { "token", "expired", "reused" })
            {
                Assert.Contains(Lines(text, "phonebridge_webhooks_rejected_total"), l => l.Contains($"reason=\"{reason}\"", StringComparison.Ordinal));
            }

            foreach (var strategy in new[] { "fast", "rejoin", "migrate" })
            {
                Assert.Contains(Lines(text, "phonebridge_edge_reconnects_total"), l => l.Contains($"strategy=\"{strategy}\"", StringComparison.Ordinal));
            }

            Assert.Contains(Lines(text, "phonebridge_calls_active"), l => l.Contains("provider=\"twilio\"", StringComparison.Ordinal) && l.Contains("edge=\"stream\"", StringComparison.Ordinal));
            Assert.Contains(Lines(text, "phonebridge_calls_ended_total"), l => l.Contains("direction=\"inbound\"", StringComparison.Ordinal) && l.Contains("reason=", StringComparison.Ordinal));
            Assert.DoesNotContain("5005550006", text, StringComparison.Ordinal);
            Assert.DoesNotContain(secondCallId, text, StringComparison.Ordinal);

            await second.HangUpAsync(Generous, CancellationToken.None);
        }

        // The first call's trace: the webhook's request, then the call's own spans in order, one trace, no number.
        Activity[] all = [];
        Assert.True(await Eventually.TrueAsync(
            () =>
            {
                all = Snapshot(spans);
                return all.Any(s => s.OperationName == CallTracing.End && Equals(s.GetTagItem(TagNames.CallId), firstCallId));
            },
            Generous));
        var register = all.Single(s => s.OperationName == CallTracing.Register && Equals(s.GetTagItem(TagNames.CallId), firstCallId));
        var trace = all.Where(s => s.TraceId == register.TraceId).ToArray();
        var callSpans = trace.Where(s => s.Source.Name == CallTracing.SourceName).OrderBy(s => s.StartTimeUtc).ToArray();
        foreach (var span in trace.OrderBy(s => s.StartTimeUtc))
        {
            output.WriteLine($"{span.StartTimeUtc:HH:mm:ss.fff} {span.Source.Name} {span.DisplayName} {span.Duration.TotalMilliseconds:0.0} ms {string.Join(' ', span.TagObjects.Select(t => t.Key + "=" + t.Value))}");
        }

        Assert.Equal(
            [CallTracing.Register, CallTracing.AgentLaunch, CallTracing.Media, CallTracing.EdgeJoin, CallTracing.FirstAudio, CallTracing.End],
            callSpans.Select(s => s.OperationName));
        Assert.All(callSpans, s => Assert.Equal(firstCallId, s.GetTagItem(TagNames.CallId)));
        Assert.All(callSpans, s => Assert.Equal("twilio", s.GetTagItem(TagNames.Provider)));
        Assert.All(callSpans, s => Assert.Equal("inbound", s.GetTagItem(TagNames.CallDirection)));

        // The webhook's request span is the root; the agent launch's HTTP request sits under its span.
        var webhook = Assert.Single(trace, s => s.SpanId == register.ParentSpanId);
        Assert.Equal("POST /twilio/voice", webhook.DisplayName);
        var launch = callSpans.Single(s => s.OperationName == CallTracing.AgentLaunch);
        Assert.Contains(trace, s => s.Kind == ActivityKind.Client && s.ParentSpanId == launch.SpanId);

        // The media socket is its own request: the call's media span links to it, and its path names no token.
        var media = callSpans.Single(s => s.OperationName == CallTracing.Media);
        var socketRequest = all.Single(s => s.Context == media.Links.Single().Context);
        Assert.Equal("GET /twilio/media/{callId}/{token}", socketRequest.DisplayName);
        Assert.Equal("/twilio/media/{callId}/{token}", socketRequest.GetTagItem("url.path"));

        var token = TokenOf(firstStreamUrl);
        Assert.DoesNotContain(all, s => s.TagObjects.Any(t => t.Value?.ToString()?.Contains(token, StringComparison.Ordinal) == true) || s.DisplayName.Contains(token, StringComparison.Ordinal));
        NoNumbers(all, "5005550006", "5005550001");
    }

    [Fact]
    public async Task With_OTEL_SDK_DISABLED_nothing_listens_and_metrics_answers_404_while_calls_still_work()
    {
        await using var server = await BridgeServer.StartAsync(settings: new Dictionary<string, string?>
        {
            [TelemetrySwitch.DisabledKey] = "true",
            ["PhoneBridge:ApiKey"] = ApiKey,
        });
        Assert.False(server.Services.GetRequiredService<TelemetrySwitch>().Enabled);
        Assert.Null(server.Services.GetService<MeterProvider>());
        Assert.Null(server.Services.GetService<TracerProvider>());

        using var http = server.NewHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl, "metrics"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("OTEL_SDK_DISABLED", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The bridge itself is unchanged: an echo call carries audio and is counted where the counters are read directly.
        await using var pacer = new FramePacer(TimeProvider.System);
        var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(1));
        await using var call = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, null, CancellationToken.None);
        call.Play(audio, audio.FrameCount, pacer);
        Assert.True(await call.WaitForEchoesAsync(Generous, CancellationToken.None));
        await call.HangUpAsync(Generous, CancellationToken.None);
        Assert.True(await Eventually.TrueAsync(() => server.ActiveCalls == 0));
    }

    [Fact]
    public async Task Two_servers_in_one_process_each_export_only_their_own_instruments()
    {
        var settings = new Dictionary<string, string?> { ["PhoneBridge:ApiKey"] = ApiKey };
        await using var refusing = await BridgeServer.StartAsync(settings: settings);
        await using var quiet = await BridgeServer.StartAsync(settings: settings);
        using var http = refusing.NewHttpClient();
        for (var i = 0; i < 3; i++)
        {
            using var unsigned = await http.PostAsync(new Uri(refusing.BaseUrl, "twilio/voice"), new FormUrlEncodedContent([new("CallSid", "CA" + i)]));
            Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);
        }

        var refusingText = await ScrapeAsync(http, refusing);
        var quietText = await ScrapeAsync(http, quiet);
        output.WriteLine(refusingText);

        // Each series once (another host's instrument of the same name would add a second line, or overwrite the value).
        foreach (var text in new[] { refusingText, quietText })
        {
            var series = text.Split('\n').Where(l => l.StartsWith("phonebridge_", StringComparison.Ordinal)).Select(l => l[..l.LastIndexOf(' ')]).ToArray();
            Assert.Equal(series.Length, series.Distinct(StringComparer.Ordinal).Count());
        }

        Assert.Equal(3, Value(refusingText, "phonebridge_webhooks_rejected_total", "reason=\"signature\""));
        Assert.Equal(0, Value(quietText, "phonebridge_webhooks_rejected_total", "reason=\"signature\""));
    }

    private static async Task<(string CallId, Uri StreamUrl)> CallUntilMeasuredAndHangUpAsync(
        HttpClient http, BridgeServer server, CallDirectory directory, FramePacer pacer, CallerAudio audio)
    {
        await using var call = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, new TwilioMediaCallOptions(), CancellationToken.None);
        call.Play(audio, audio.FrameCount, pacer);
        var streamUrl = call.Report().StreamUrl!;
        var callId = CallIdOf(streamUrl);
        Assert.True(await Eventually.TrueAsync(() => Measured(directory, callId), Generous), "the first call's RTP to be measured");
        await call.HangUpAsync(Generous, CancellationToken.None);
        Assert.True(await Eventually.TrueAsync(() => !directory.TryGet(callId, out _), Generous), "the first call to end");
        return (callId, streamUrl);
    }

    private static bool Measured(CallDirectory directory, string callId)
    {
        if (!directory.TryGet(callId, out var call))
        {
            return false;
        }

        call.Quality.Refresh();
        return call.Quality.JitterMs is not null && call.Media?.Stats.FramesToPhone > 25;
    }

    private static async Task<string> ScrapeAsync(HttpClient http, BridgeServer server)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl, "metrics"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static IEnumerable<string> Lines(string text, string name) =>
        text.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal));

    private static bool Has(string text, string name) => Lines(text, name).Any();

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels contain <paramref name="label"/>.</summary>
    private static double Value(string text, string name, string label = "") =>
        Lines(text, name)
            .Where(l => l.Contains(label, StringComparison.Ordinal))
            .Select(l => l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[^1])
            .Sum(v => double.Parse(v, CultureInfo.InvariantCulture));

    private static string CallIdOf(Uri streamUrl) => streamUrl.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[2];

    private static string TokenOf(Uri streamUrl) => streamUrl.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[3];

    private static Activity[] Snapshot(List<Activity> spans)
    {
        // The exporter appends on whichever thread ends a span; a copy that raced an append is taken again.
        while (true)
        {
            try
            {
                return [.. spans.Where(s => s is not null)];
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private static void NoNumbers(IEnumerable<Activity> spans, params string[] numbers)
    {
        foreach (var span in spans)
        {
            var texts = span.TagObjects.Select(t => t.Key + "=" + t.Value)
                .Append(span.DisplayName)
                .Concat(span.Events.SelectMany(e => e.Tags.Select(t => e.Name + ":" + t.Key + "=" + t.Value)));
            foreach (var text in texts)
            {
                Assert.False(numbers.Any(n => text.Contains(n, StringComparison.Ordinal)), $"span {span.DisplayName} carries a phone number: {text}");
            }
        }
    }
}
