using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Tests.Bridge;

/// <summary>
/// A registry that joins the edge at registration (as the server's does) and a bridge over the same edge, with one
/// call registered as a webhook registers it: the phone's rate known, the media socket not yet open.
/// </summary>
internal sealed class EarlyEdgeJoinHarness : IDisposable
{
    public EarlyEdgeJoinHarness(
        IEdge edge,
        int? expectedSampleRate = 8000,
        Func<CallInfo, CancellationToken, Task<object?>>? prepare = null,
        TimeProvider? registryTime = null,
        bool joinAtRegistration = true,
        ILogger<EdgePreJoiner>? preJoinLog = null,
        ILogger<CallBridge>? bridgeLog = null)
    {
        var bridgeOptions = Options.Create(new BridgeOptions { JoinEdgeAtRegistration = joinAtRegistration });
        var time = registryTime ?? TimeProvider.System;
        Registry = new InMemoryCallRegistry(
            Options.Create(new CallRegistryOptions { ConnectTimeout = TimeSpan.FromSeconds(10) }),
            time,
            NullLogger<InMemoryCallRegistry>.Instance,
            edge: edge,
            preJoiner: new EdgePreJoiner(edge, bridgeOptions, time, preJoinLog ?? NullLogger<EdgePreJoiner>.Instance));
        Registration = Registry.Register(new CallRegistrationRequest(
            "twilio", "CA1", "+15551234567", "+15557654321", prepare, ExpectedSampleRate: expectedSampleRate));
        Bridge = new CallBridge(edge, Registry, Counters, bridgeOptions, TimeProvider.System, bridgeLog ?? NullLogger<CallBridge>.Instance);
    }

    public InMemoryCallRegistry Registry { get; }

    public CallRegistration Registration { get; }

    public BridgeCounters Counters { get; } = new();

    public FakePhone Phone { get; } = new();

    public CallBridge Bridge { get; }

    /// <summary>Claims the call as its media socket does.</summary>
    public RegisteredCall Claim()
    {
        Assert.Equal(ClaimResult.Claimed, Registry.TryClaim(Registration.CallId, Registration.Token, out var call));
        return call!;
    }

    /// <summary>Runs the bridge for the (claimed) call with the phone participant the media endpoint names.</summary>
    public Task Attach(RegisteredCall? call = null, string? participantId = null)
    {
        call ??= Claim();
        return Bridge.AttachPhoneToCallAsync(call, Phone, participantId ?? PhoneParticipant.UserId(call.CallId), CancellationToken.None);
    }

    public async Task<IPhoneStreamHandler> StartAsync(PhoneAudioFormat? format = null)
    {
        await Phone.StartAsync(format ?? PhoneAudioFormat.MuLaw8k);
        return await Phone.HandlerAsync();
    }

    public void Dispose()
    {
        Registry.Dispose();
        Counters.Dispose();
    }
}
