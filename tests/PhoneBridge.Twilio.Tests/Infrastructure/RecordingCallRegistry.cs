using System.Collections.Concurrent;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Twilio.Tests.Infrastructure;

/// <summary>Records registrations; claims follow the registry contract (one-time token, ordinal compare).</summary>
public sealed class RecordingCallRegistry : ICallRegistry
{
    private readonly ConcurrentDictionary<string, (CallRegistration Registration, bool Claimed)> _calls = new();

    public ConcurrentQueue<CallRegistrationRequest> Requests { get; } = new();

    public ConcurrentQueue<string> Released { get; } = new();

    public int Count => _calls.Count;

    public ValueTask<CallRegistration> RegisterAsync(CallRegistrationRequest request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Register(request));

    public ValueTask<CallClaim> TryClaimAsync(string callId, string token, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new CallClaim(TryClaim(callId, token, out var call), call));

    public CallRegistration Register(CallRegistrationRequest request)
    {
        Requests.Enqueue(request);
        var callId = request.CallId ?? Guid.NewGuid().ToString("N");
        var info = new CallInfo(callId, request.Provider, request.ProviderCallId, request.From, request.To, DateTimeOffset.UnixEpoch);
        var registration = new CallRegistration(info, "tok_" + Guid.NewGuid().ToString("N"), DateTimeOffset.MaxValue);
        _calls[callId] = (registration, false);
        return registration;
    }

    public ClaimResult TryClaim(string callId, string token, out RegisteredCall? call)
    {
        call = null;
        if (!_calls.TryGetValue(callId, out var entry))
        {
            return ClaimResult.UnknownCall;
        }

        if (entry.Registration.Token != token)
        {
            return ClaimResult.BadToken;
        }

        if (entry.Claimed || !_calls.TryUpdate(callId, (entry.Registration, true), entry))
        {
            return ClaimResult.AlreadyClaimed;
        }

        call = new RegisteredCall(entry.Registration.Info, Task.FromResult<object?>(null), CancellationToken.None);
        return ClaimResult.Claimed;
    }

    public void Release(string callId)
    {
        Released.Enqueue(callId);
        _calls.TryRemove(callId, out _);
    }
}
