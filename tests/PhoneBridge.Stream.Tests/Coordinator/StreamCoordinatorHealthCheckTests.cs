using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Tests.Fakes;

namespace PhoneBridge.Stream.Tests.Coordinator;

/// <summary>The readiness check against the fake coordinator: authenticated GET /api/v2/app, kept for a while.</summary>
public sealed class StreamCoordinatorHealthCheckTests
{
    [Fact]
    public async Task Reachable_coordinator_is_healthy_and_the_verdict_is_kept_until_it_is_stale()
    {
        await using var fake = await FakeStream.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var check = Check(SessionFactory.Options(fake), time);

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status);
        Assert.Equal(1, fake.AppRequests);
        // The probe is not one of the requests the coordinator tests inspect.
        Assert.Empty(fake.CoordinatorRequests);

        time.Advance(StreamCoordinatorHealthCheck.CacheFor);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(check)).Status);
        Assert.Equal(2, fake.AppRequests);
    }

    [Fact]
    public async Task Wrong_credentials_or_no_coordinator_are_unhealthy()
    {
        await using var fake = await FakeStream.StartAsync();
        var wrongKey = SessionFactory.Options(fake);
        wrongKey.ApiKey = "not-the-key";
        var refused = await CheckAsync(Check(wrongKey, TimeProvider.System));
        Assert.Equal(HealthStatus.Unhealthy, refused.Status);
        Assert.Contains("401", refused.Description, StringComparison.Ordinal);

        var nobody = TestOptions.Create(new Uri($"http://127.0.0.1:{ClosedPort()}"));
        var unreachable = await CheckAsync(Check(nobody, TimeProvider.System));
        Assert.Equal(HealthStatus.Unhealthy, unreachable.Status);
        Assert.Contains("unreachable", unreachable.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_stream_credentials_it_is_healthy_without_asking()
    {
        var options = TestOptions.Create(new Uri($"http://127.0.0.1:{ClosedPort()}"));
        options.ApiKey = null;
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(Check(options, TimeProvider.System))).Status);
    }

    private static StreamCoordinatorHealthCheck Check(StreamOptions options, TimeProvider time) =>
        new(SessionFactory.Coordinator(options), TestOptions.Monitor(options), time, NullLogger<StreamCoordinatorHealthCheck>.Instance);

    private static Task<HealthCheckResult> CheckAsync(StreamCoordinatorHealthCheck check) =>
        check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration(StreamCoordinatorHealthCheck.Name, check, null, null) });

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
