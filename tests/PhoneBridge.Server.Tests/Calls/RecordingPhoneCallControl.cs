using System.Collections.Concurrent;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary>
/// A provider's call control that records every request. Dialling registers the call as the real providers do, and
/// claims it at once so the registry's connect timeout never ends it under a test. <see cref="Failure"/> makes every
/// request fail at the provider.
/// </summary>
internal sealed class RecordingPhoneCallControl(
    string provider, ICallRegistry registry, CallDirectory directory, bool sendsDtmf = false, bool isConfigured = true)
    : IPhoneCallControl
{
    private int _placed;

    public string Provider { get; } = provider;

    public bool IsConfigured { get; } = isConfigured;

    public bool SendsDtmf { get; } = sendsDtmf;

    /// <summary>When set, thrown by every request: a <see cref="PhoneProviderException"/>, or what an unreachable API throws.</summary>
    public Exception? Failure { get; set; }

    /// <summary>
    /// When set, a dial registers its call and then fails with this, releasing the registration as a real provider
    /// does when its REST API refuses after the media URL was made.
    /// </summary>
    public PhoneProviderException? FailAfterRegistering { get; set; }

    /// <summary>The dialled phone answers (its media starts) before the provider's REST answer arrives.</summary>
    public bool AnswerDuringDial { get; set; }

    /// <summary>Runs once the dialled call is registered, before the provider's REST answer returns.</summary>
    public Action<string>? DuringDial { get; set; }

    public ConcurrentQueue<PhoneDialRequest> Dials { get; } = new();

    public ConcurrentQueue<string> HangUps { get; } = new();

    public ConcurrentQueue<(string CallId, string To, string? From)> Transfers { get; } = new();

    public ConcurrentQueue<(string CallId, string Digits, int ToneMs)> Dtmf { get; } = new();

    public Task<PlacedCall> DialAsync(PhoneDialRequest request, CancellationToken cancellationToken)
    {
        Dials.Enqueue(request);
        ThrowIfFailing();
        var providerCallId = $"{Provider}-call-{Interlocked.Increment(ref _placed)}";
        var registration = registry.Register(new CallRegistrationRequest(
            Provider,
            providerCallId,
            request.From,
            request.To,
            Direction: CallDirection.Outbound,
            EdgeCall: request.EdgeCall,
            LinkedCallId: request.LinkedCallId,
            JoinsExistingCall: request.EdgeCall is not null));
        if (FailAfterRegistering is { } late)
        {
            registry.Release(registration.CallId);
            throw late;
        }

        Assert.Equal(ClaimResult.Claimed, registry.TryClaim(registration.CallId, registration.Token, out _));
        if (AnswerDuringDial)
        {
            directory.MarkAnswered(registration.CallId);
        }

        DuringDial?.Invoke(registration.CallId);

        return Task.FromResult(new PlacedCall(registration.CallId, providerCallId));
    }

    public Task HangUpAsync(LiveCall call, CancellationToken cancellationToken)
    {
        HangUps.Enqueue(call.CallId);
        ThrowIfFailing();
        return Task.CompletedTask;
    }

    public Task TransferAsync(LiveCall call, string to, string? from, CancellationToken cancellationToken)
    {
        Transfers.Enqueue((call.CallId, to, from));
        ThrowIfFailing();
        return Task.CompletedTask;
    }

    public Task SendDtmfAsync(LiveCall call, string digits, int toneMs, CancellationToken cancellationToken)
    {
        Dtmf.Enqueue((call.CallId, digits, toneMs));
        ThrowIfFailing();
        return Task.CompletedTask;
    }

    private void ThrowIfFailing()
    {
        if (Failure is { } failure)
        {
            throw failure;
        }
    }
}

/// <summary>A provider's refusal as the real providers report it.</summary>
internal sealed class FakeProviderException(string provider, int? status, string? code, string? message)
    : PhoneProviderException(message ?? "unreachable")
{
    public override string Provider { get; } = provider;

    public override int? ProviderStatus { get; } = status;

    public override string? ProviderCode { get; } = code;

    public override string? ProviderMessage { get; } = message;
}
