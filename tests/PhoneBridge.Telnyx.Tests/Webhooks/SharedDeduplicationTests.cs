using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Cluster;
using PhoneBridge.Core.Registry;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Telnyx.Tests.Hosting;

namespace PhoneBridge.Telnyx.Tests.Webhooks;

/// <summary>Several instances behind one Telnyx number: the webhook memory they share and a registry that cannot be reached.</summary>
public sealed class SharedDeduplicationTests
{
    private static byte[] Initiated(string eventId, string controlId, TelnyxTestHost host) =>
        TelnyxWebhookBodies.CallInitiated(eventId, controlId, "+15551230000", "+15559870000", host.Time.GetUtcNow());

    [Fact]
    public async Task A_webhook_delivered_to_two_instances_is_acted_on_once()
    {
        var shared = new SharedMemory();
        await using var a = await TelnyxTestHost.StartAsync(services: s => s.AddSingleton<IWebhookDeduplication>(shared));
        await using var b = await TelnyxTestHost.StartAsync(services: s => s.AddSingleton<IWebhookDeduplication>(shared));

        using var first = await a.PostWebhookAsync(Initiated("ev-1", "v3:call-1", a));
        using var again = await b.PostWebhookAsync(Initiated("ev-1", "v3:call-1", b));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, a.Registry.Count);
        Assert.Equal(0, b.Registry.Count);
        Assert.Contains("telnyx/event:ev-1", shared.Keys.Keys);
        Assert.Equal(TimeSpan.FromMinutes(30), shared.Keys["telnyx/event:ev-1"]);
    }

    [Fact]
    public async Task A_failing_shared_memory_leaves_each_instance_its_own()
    {
        var shared = new SharedMemory { Fails = true };
        await using var a = await TelnyxTestHost.StartAsync(services: s => s.AddSingleton<IWebhookDeduplication>(shared));

        using var first = await a.PostWebhookAsync(Initiated("ev-1", "v3:call-1", a));
        using var again = await a.PostWebhookAsync(Initiated("ev-1", "v3:call-1", a));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, a.Registry.Count);
    }

    [Fact]
    public async Task An_unreachable_registry_answers_503_and_the_retry_is_let_in()
    {
        var registry = new SwitchableRegistry();
        await using var host = await TelnyxTestHost.StartAsync(services: s => s.AddSingleton<ICallRegistry>(registry));

        using var refused = await host.PostWebhookAsync(Initiated("ev-1", "v3:call-1", host));
        registry.Unavailable = false;
        using var retried = await host.PostWebhookAsync(Initiated("ev-1", "v3:call-1", host));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(1, registry.Registered);
    }

    private sealed class SharedMemory : IWebhookDeduplication
    {
        public ConcurrentDictionary<string, TimeSpan> Keys { get; } = new();

        public bool Fails { get; init; }

        public ValueTask<bool> TryAddAsync(string provider, string key, TimeSpan window, CancellationToken cancellationToken) =>
            Fails ? throw new IOException("unreachable") : ValueTask.FromResult(Keys.TryAdd(provider + "/" + key, window));

        public ValueTask<bool> ContainsAsync(string provider, string key, CancellationToken cancellationToken) =>
            Fails ? throw new IOException("unreachable") : ValueTask.FromResult(Keys.ContainsKey(provider + "/" + key));

        public ValueTask RemoveAsync(string provider, string key, CancellationToken cancellationToken)
        {
            if (Fails)
            {
                throw new IOException("unreachable");
            }

            Keys.TryRemove(provider + "/" + key, out _);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class SwitchableRegistry : ICallRegistry
    {
        private int _registered;

        public bool Unavailable { get; set; } = true;

        public int Registered => Volatile.Read(ref _registered);

        public int Count => Registered;

        public ValueTask<CallRegistration> RegisterAsync(CallRegistrationRequest request, CancellationToken cancellationToken = default)
        {
            if (Unavailable)
            {
                throw new CallRegistryUnavailableException();
            }

            Interlocked.Increment(ref _registered);
            var info = new CallInfo(CallIds.NewCallId(), request.Provider, request.ProviderCallId, request.From, request.To, DateTimeOffset.UnixEpoch);
            return ValueTask.FromResult(new CallRegistration(info, CallIds.NewToken(), DateTimeOffset.MaxValue));
        }

        public ValueTask<CallClaim> TryClaimAsync(string callId, string token, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(CallClaim.Refused(ClaimResult.UnknownCall));

        public void Release(string callId)
        {
        }
    }
}
