using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Bridge;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Edge;
using PhoneBridge.Core.Phone;
using PhoneBridge.Core.Recording;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Tests.Bridge;

/// <summary>A bridge over a real registry, a fake phone and a given edge, with one claimed call.</summary>
internal sealed class BridgeHarness : IDisposable
{
    public BridgeHarness(
        IEdge edge,
        Func<CallInfo, CancellationToken, Task<object?>>? prepare = null,
        string? from = "+15551234567",
        TimeSpan? preLiveBuffer = null,
        ILogger<CallBridge>? logger = null,
        CallDirectory? directory = null,
        CallRecorder? recorder = null)
    {
        Edge = edge;
        Registry = new InMemoryCallRegistry(
            Options.Create(new CallRegistryOptions()), TimeProvider.System, NullLogger<InMemoryCallRegistry>.Instance, directory: directory);
        var registration = Registry.Register(new CallRegistrationRequest("twilio", "CA1", from, "+15557654321", prepare));
        Assert.Equal(ClaimResult.Claimed, Registry.TryClaim(registration.CallId, registration.Token, out var call));
        Call = call!;
        Bridge = new CallBridge(
            edge,
            Registry,
            Counters,
            Options.Create(new BridgeOptions { PreLiveBuffer = preLiveBuffer ?? TimeSpan.FromMilliseconds(200) }),
            TimeProvider.System,
            logger ?? NullLogger<CallBridge>.Instance,
            directory,
            recorder: recorder);
    }

    public IEdge Edge { get; }

    public InMemoryCallRegistry Registry { get; }

    public BridgeCounters Counters { get; } = new();

    public FakePhone Phone { get; } = new();

    public CallBridge Bridge { get; }

    public RegisteredCall Call { get; }

    public CancellationTokenSource Cancellation { get; } = new();

    public Task Attach() => Bridge.AttachPhoneToCallAsync(Call, Phone, "phone-4567", Cancellation.Token);

    public static short[] Frame(int value, int samples = 160) => Enumerable.Repeat((short)value, samples).ToArray();

    public async Task<IPhoneStreamHandler> StartAsync(PhoneAudioFormat? format = null)
    {
        await Phone.StartAsync(format ?? PhoneAudioFormat.MuLaw8k);
        return await Phone.HandlerAsync();
    }

    public void Dispose()
    {
        Registry.Dispose();
        Counters.Dispose();
        Cancellation.Dispose();
    }
}
