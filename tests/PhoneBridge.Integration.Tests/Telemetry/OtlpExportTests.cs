using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Telemetry;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Integration.Tests.Telemetry;

/// <summary>OTLP export, on only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, to a loopback receiver that records what it is sent.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task With_an_OTLP_endpoint_a_calls_traces_and_metrics_are_exported_there()
    {
        var received = new ConcurrentQueue<(string Path, int Bytes)>();
        var (collector, endpoint) = await StartCollectorAsync(received);
        await using var stopCollector = collector;
        await using var server = await BridgeServer.StartAsync(settings: new Dictionary<string, string?>
        {
            [TelemetrySwitch.OtlpEndpointKey] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });

        using var http = server.NewHttpClient();
        await using var pacer = new FramePacer(TimeProvider.System);
        var audio = CallerAudio.TestSignal(TimeSpan.FromSeconds(1));
        await using (var call = await TwilioPhone.DialAsync(http, server.Caller, TimeProvider.System, null, CancellationToken.None))
        {
            call.Play(audio, audio.FrameCount, pacer);
            Assert.True(await call.WaitForEchoesAsync(TimeSpan.FromSeconds(30), CancellationToken.None));
            await call.HangUpAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        }

        Assert.True(
            await Eventually.TrueAsync(() => received.Any(r => r.Path == "/v1/traces" && r.Bytes > 0) && received.Any(r => r.Path == "/v1/metrics" && r.Bytes > 0), TimeSpan.FromSeconds(30)),
            "received: " + string.Join(", ", received.Select(r => r.Path).Distinct()));
    }

    private static async Task<(WebApplication App, string Url)> StartCollectorAsync(ConcurrentQueue<(string Path, int Bytes)> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path.Value!, (int)body.Length));
            context.Response.ContentType = "application/x-protobuf";
            return Results.Ok();
        });
        await app.StartAsync();
        return (app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }
}
