using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Tests.Registry;

public class InMemoryCallRegistryTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryCallRegistry _registry;

    public InMemoryCallRegistryTests()
    {
        _registry = new InMemoryCallRegistry(Options.Create(new CallRegistryOptions { ConnectTimeout = Timeout }), _time, NullLogger<InMemoryCallRegistry>.Instance);
    }

    public void Dispose()
    {
        _registry.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void RegisterIssuesRandomUrlSafeTokenAndCallId()
    {
        var a = _registry.Register(new CallRegistrationRequest("twilio", "CA123"));
        var b = _registry.Register(new CallRegistrationRequest("twilio", "CA124"));

        Assert.Equal(43, a.Token.Length);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", a.Token);
        Assert.True(CallIds.IsValidCallId(a.CallId));
        Assert.NotEqual(a.Token, b.Token);
        Assert.NotEqual(a.CallId, b.CallId);
        Assert.Equal(_time.GetUtcNow() + Timeout, a.ExpiresAt);
        Assert.Equal("CA123", a.Info.ProviderCallId);
        Assert.Equal(2, _registry.Count);
    }

    [Fact]
    public void RegisterKeepsAGivenCallIdAndRefusesDuplicatesAndBadIds()
    {
        var r = _registry.Register(new CallRegistrationRequest("telnyx", CallId: "my-call_1.a"));
        Assert.Equal("my-call_1.a", r.CallId);
        Assert.Throws<InvalidOperationException>(() => _registry.Register(new CallRegistrationRequest("telnyx", CallId: "my-call_1.a")));
        Assert.Throws<ArgumentException>(() => _registry.Register(new CallRegistrationRequest("telnyx", CallId: "a/b")));
        Assert.Throws<ArgumentException>(() => _registry.Register(new CallRegistrationRequest("telnyx", CallId: new string('a', 129))));
    }

    [Fact]
    public void RegisterCarriesTheExpectedRateAndRefusesANonPositiveOne()
    {
        Assert.Equal(8000, _registry.Register(new CallRegistrationRequest("twilio", ExpectedSampleRate: 8000)).Info.ExpectedSampleRate);
        Assert.Null(_registry.Register(new CallRegistrationRequest("twilio")).Info.ExpectedSampleRate);
        Assert.Throws<ArgumentException>(() => _registry.Register(new CallRegistrationRequest("twilio", ExpectedSampleRate: 0)));
        Assert.Equal(2, _registry.Count);
    }

    [Fact]
    public void ClaimSucceedsOnceWithTheRightToken()
    {
        var r = _registry.Register(new CallRegistrationRequest("twilio"));

        Assert.Equal(ClaimResult.Claimed, _registry.TryClaim(r.CallId, r.Token, out var call));
        Assert.NotNull(call);
        Assert.Equal(r.CallId, call.CallId);
        Assert.False(call.Ended.IsCancellationRequested);

        Assert.Equal(ClaimResult.AlreadyClaimed, _registry.TryClaim(r.CallId, r.Token, out var again));
        Assert.Null(again);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void ClaimRefusesABadToken(string token)
    {
        var r = _registry.Register(new CallRegistrationRequest("twilio"));
        Assert.Equal(ClaimResult.BadToken, _registry.TryClaim(r.CallId, token, out var call));
        Assert.Null(call);

        // A one-character change and an overlong token are refused too; the entry stays claimable.
        var flipped = (r.Token[0] == 'A' ? "B" : "A") + r.Token[1..];
        Assert.Equal(ClaimResult.BadToken, _registry.TryClaim(r.CallId, flipped, out _));
        Assert.Equal(ClaimResult.BadToken, _registry.TryClaim(r.CallId, r.Token + "x", out _));
        Assert.Equal(ClaimResult.BadToken, _registry.TryClaim(r.CallId, new string('x', 10_000), out _));
        Assert.Equal(ClaimResult.Claimed, _registry.TryClaim(r.CallId, r.Token, out _));
    }

    [Fact]
    public void ClaimRefusesUnknownCalls()
    {
        var r = _registry.Register(new CallRegistrationRequest("twilio"));
        Assert.Equal(ClaimResult.UnknownCall, _registry.TryClaim("nope", r.Token, out _));
        Assert.Equal(ClaimResult.UnknownCall, _registry.TryClaim(null!, r.Token, out _));
    }

    [Fact]
    public void UnclaimedEntryExpiresOnTheTimer()
    {
        var r = _registry.Register(new CallRegistrationRequest("twilio"));

        _time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, _registry.Count);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, _registry.Count);
        Assert.Equal(ClaimResult.Expired, _registry.TryClaim(r.CallId, r.Token, out var call));
        Assert.Null(call);

        // The tombstone goes away after one more timeout.
        _time.Advance(Timeout);
        Assert.Equal(ClaimResult.UnknownCall, _registry.TryClaim(r.CallId, r.Token, out _));
    }

    [Fact]
    public void ExpiredIdCanBeRegisteredAgain()
    {
        var first = _registry.Register(new CallRegistrationRequest("twilio", CallId: "abc"));
        _time.Advance(Timeout);
        var second = _registry.Register(new CallRegistrationRequest("twilio", CallId: "abc"));

        Assert.Equal(ClaimResult.BadToken, _registry.TryClaim("abc", first.Token, out _));
        Assert.Equal(ClaimResult.Claimed, _registry.TryClaim("abc", second.Token, out _));

        // The old entry's tombstone timer must not remove the new entry.
        _time.Advance(Timeout * 3);
        Assert.Equal(1, _registry.Count);
    }

    [Fact]
    public void ClaimedCallDoesNotExpire()
    {
        var r = _registry.Register(new CallRegistrationRequest("twilio"));
        Assert.Equal(ClaimResult.Claimed, _registry.TryClaim(r.CallId, r.Token, out var call));

        _time.Advance(Timeout * 5);
        Assert.Equal(1, _registry.Count);
        Assert.False(call!.Ended.IsCancellationRequested);
    }

    [Fact]
    public async Task PrepareStartsAtRegistrationAndItsResultReachesTheClaimer()
    {
        var started = new TaskCompletionSource<CallInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var r = _registry.Register(new CallRegistrationRequest("twilio", Prepare: (info, _) =>
        {
            started.TrySetResult(info);
            return finish.Task;
        }));

        var info = await started.Task.WaitAsync(Wait);
        Assert.Equal(r.CallId, info.CallId);

        Assert.Equal(ClaimResult.Claimed, _registry.TryClaim(r.CallId, r.Token, out var call));
        Assert.False(call!.Prepared.IsCompleted);
        finish.SetResult("agent-session");
        Assert.Equal("agent-session", await call.Prepared.WaitAsync(Wait));
    }

    [Fact]
    public async Task NoPrepareMeansNullResult()
    {
        var r = _registry.Register(new CallRegistrationRequest("twilio"));
        _registry.TryClaim(r.CallId, r.Token, out var call);
        Assert.Null(await call!.Prepared.WaitAsync(Wait));
    }

    [Fact]
    public async Task PrepareFailureSurfacesThroughPrepared()
    {
        var r = _registry.Register(new CallRegistrationRequest("twilio", Prepare: (_, _) => throw new InvalidOperationException("agent down")));
        _registry.TryClaim(r.CallId, r.Token, out var call);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => call!.Prepared.WaitAsync(Wait));
        Assert.Equal("agent down", ex.Message);
    }

    [Fact]
    public async Task ExpiryCancelsPrepareAndDisposesItsResultOnceItFinishes()
    {
        var sawCancel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var resource = new AsyncDisposableProbe();
        _registry.Register(new CallRegistrationRequest("twilio", Prepare: (_, ct) =>
        {
            ct.Register(sawCancel.SetResult);
            return finish.Task;
        }));

        _time.Advance(Timeout);
        await sawCancel.Task.WaitAsync(Wait);
        Assert.False(resource.Disposed.IsCompleted);

        finish.SetResult(resource);
        await resource.Disposed.WaitAsync(Wait);
    }

    [Fact]
    public async Task ExpiryDisposesSynchronousDisposables()
    {
        var resource = new DisposableProbe();
        _registry.Register(new CallRegistrationRequest("twilio", Prepare: (_, _) => Task.FromResult<object?>(resource)));
        _time.Advance(Timeout);
        await resource.Disposed.WaitAsync(Wait);
    }

    [Fact]
    public async Task ReleasingAnUnclaimedEntryDisposesItsPreparedResult()
    {
        var resource = new AsyncDisposableProbe();
        var r = _registry.Register(new CallRegistrationRequest("twilio", Prepare: (_, _) => Task.FromResult<object?>(resource)));
        _registry.Release(r.CallId);
        await resource.Disposed.WaitAsync(Wait);
        Assert.Equal(0, _registry.Count);
        Assert.Equal(ClaimResult.UnknownCall, _registry.TryClaim(r.CallId, r.Token, out _));
    }

    [Fact]
    public async Task ReleaseEndsAClaimedCallButLeavesItsPreparedResultToTheClaimer()
    {
        var resource = new AsyncDisposableProbe();
        var r = _registry.Register(new CallRegistrationRequest("twilio", Prepare: (_, _) => Task.FromResult<object?>(resource)));
        _registry.TryClaim(r.CallId, r.Token, out var call);
        Assert.Same(resource, await call!.Prepared.WaitAsync(Wait));

        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        call.Ended.Register(ended.SetResult);
        _registry.Release(r.CallId);

        await ended.Task.WaitAsync(Wait);
        Assert.Equal(0, _registry.Count);
        Assert.False(resource.Disposed.IsCompleted);

        _registry.Release(r.CallId); // idempotent
        _registry.Release("unknown");
    }

    [Fact]
    public void DisposeReleasesEverything()
    {
        var r = _registry.Register(new CallRegistrationRequest("twilio"));
        _registry.TryClaim(r.CallId, r.Token, out var call);
        _registry.Register(new CallRegistrationRequest("twilio"));

        _registry.Dispose();
        Assert.Equal(0, _registry.Count);
        Assert.True(call!.Ended.IsCancellationRequested);
        Assert.Throws<ObjectDisposedException>(() => _registry.Register(new CallRegistrationRequest("twilio")));
    }

    [Fact]
    public async Task ConcurrentClaimsLetExactlyOneWin()
    {
        for (var round = 0; round < 20; round++)
        {
            var r = _registry.Register(new CallRegistrationRequest("twilio"));
            using var gate = new Barrier(4);
            var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                gate.SignalAndWait(Wait);
                return _registry.TryClaim(r.CallId, r.Token, out var _);
            })));

            Assert.Equal(1, results.Count(x => x == ClaimResult.Claimed));
            Assert.Equal(3, results.Count(x => x == ClaimResult.AlreadyClaimed));
            _registry.Release(r.CallId);
        }

        Assert.Equal(0, _registry.Count);
    }

    [Fact]
    public async Task ConcurrentRegisterClaimExpireReleaseKeepsCountsConsistent()
    {
        var claimed = 0;
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 250; i++)
            {
                var r = _registry.Register(new CallRegistrationRequest("twilio"));
                if (i % 3 == 0)
                {
                    continue; // left to expire
                }

                var result = _registry.TryClaim(r.CallId, r.Token, out _);
                // A descheduled worker may see its entry expire, or even its tombstone go.
                Assert.True(result is ClaimResult.Claimed or ClaimResult.Expired or ClaimResult.UnknownCall, result.ToString());
                if (result == ClaimResult.Claimed)
                {
                    Interlocked.Increment(ref claimed);
                }

                if (i % 2 == 0)
                {
                    _registry.Release(r.CallId);
                    if (result == ClaimResult.Claimed)
                    {
                        Interlocked.Decrement(ref claimed);
                    }
                }
            }
        })).ToList();
        var clock = Task.Run(async () =>
        {
            while (!workers.TrueForAll(t => t.IsCompleted))
            {
                _time.Advance(TimeSpan.FromSeconds(7));
                await Task.Delay(1);
            }
        });

        await Task.WhenAll(workers).WaitAsync(Wait * 2);
        await clock.WaitAsync(Wait);
        _time.Advance(Timeout);
        Assert.Equal(Volatile.Read(ref claimed), _registry.Count);
    }

    [Fact]
    public void RejectsNonPositiveTimeout()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryCallRegistry(
            Options.Create(new CallRegistryOptions { ConnectTimeout = TimeSpan.Zero }), _time, NullLogger<InMemoryCallRegistry>.Instance));
    }

    private sealed class AsyncDisposableProbe : IAsyncDisposable
    {
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Disposed => _disposed.Task;

        public ValueTask DisposeAsync()
        {
            _disposed.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class DisposableProbe : IDisposable
    {
        private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Disposed => _disposed.Task;

        public void Dispose() => _disposed.TrySetResult();
    }
}
