using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Tests.Registry;

public sealed class CallPreparerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Registration_without_a_prepare_step_gets_the_enabled_preparer()
    {
        var preparer = new RecordingPreparer(enabled: true);
        using var registry = Create(preparer);

        var registration = registry.Register(new CallRegistrationRequest("twilio", "CA1"));

        Assert.Equal(ClaimResult.Claimed, registry.TryClaim(registration.CallId, registration.Token, out var call));
        Assert.Equal("prepared:" + registration.CallId, await call!.Prepared.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal([registration.CallId], preparer.Calls);
    }

    [Fact]
    public async Task Disabled_preparer_is_skipped()
    {
        var preparer = new RecordingPreparer(enabled: false);
        using var registry = Create(preparer);

        var registration = registry.Register(new CallRegistrationRequest("twilio"));

        Assert.Equal(ClaimResult.Claimed, registry.TryClaim(registration.CallId, registration.Token, out var call));
        Assert.Null(await call!.Prepared.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(preparer.Calls);
    }

    [Fact]
    public async Task Registration_with_its_own_prepare_step_keeps_it()
    {
        var preparer = new RecordingPreparer(enabled: true);
        using var registry = Create(preparer);

        var registration = registry.Register(new CallRegistrationRequest(
            "telnyx", Prepare: (_, _) => Task.FromResult<object?>("own")));

        Assert.Equal(ClaimResult.Claimed, registry.TryClaim(registration.CallId, registration.Token, out var call));
        Assert.Equal("own", await call!.Prepared.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(preparer.Calls);
    }

    private InMemoryCallRegistry Create(ICallPreparer preparer) => new(
        Options.Create(new CallRegistryOptions()), _time, NullLogger<InMemoryCallRegistry>.Instance, preparer);

    private sealed class RecordingPreparer(bool enabled) : ICallPreparer
    {
        public List<string> Calls { get; } = [];

        public bool IsEnabled => enabled;

        public Task<object?> PrepareAsync(CallInfo call, CancellationToken cancellationToken)
        {
            lock (Calls)
            {
                Calls.Add(call.CallId);
            }

            return Task.FromResult<object?>("prepared:" + call.CallId);
        }
    }
}
