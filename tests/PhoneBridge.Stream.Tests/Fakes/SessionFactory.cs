using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Core.Telemetry;
using PhoneBridge.Stream.Auth;
using PhoneBridge.Stream.Coordinator;
using PhoneBridge.Stream.Sfu;

namespace PhoneBridge.Stream.Tests.Fakes;

internal static class SessionFactory
{
    public static StreamOptions Options(FakeStream fake)
    {
        var options = TestOptions.Create(fake.BaseUrl);
        options.HealthCheckInterval = TimeSpan.FromMilliseconds(300);
        options.UnhealthyTimeout = TimeSpan.FromSeconds(3);
        options.SignalTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    public static StreamCoordinatorClient Coordinator(StreamOptions options) =>
        new(new HttpClient(), new StreamTokenFactory(TestOptions.Monitor(options), TimeProvider.System),
            TestOptions.Monitor(options), NullLogger<StreamCoordinatorClient>.Instance);

    public static SfuSession Create(
        FakeStream fake, RecordingMediaHandler media, string callId = "call-1", StreamOptions? options = null, EdgeReconnectMetrics? reconnects = null)
    {
        options ??= Options(fake);
        return new SfuSession("default", callId, "phone-1234", media, Coordinator(options), new HttpClient(), options,
            TimeProvider.System, NullLogger<SfuSession>.Instance, reconnects);
    }

    /// <summary>Reconnect counters on a meter of their own.</summary>
    public static EdgeReconnectMetrics ReconnectMetrics() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}
