using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Registry;
using PhoneBridge.Telnyx.Rest;
using PhoneBridge.Telnyx.Media;

namespace PhoneBridge.Telnyx.Calls;

/// <summary>
/// Places and ends Telnyx calls whose media is bridged like an incoming call's. Once Telnyx has accepted a dial, the
/// call's <see cref="LiveCall.ProviderCallId"/> in the <see cref="CallDirectory"/> is its <c>call_control_id</c>.
/// </summary>
public sealed class TelnyxOutboundCalls
{
    private readonly ICallRegistry _registry;
    private readonly TelnyxCallControlClient _client;
    private readonly TelnyxCallTracker _tracker;
    private readonly TelnyxOptions _options;
    private readonly IOptionsMonitor<PhoneBridgeOptions> _hosting;
    private readonly ILogger<TelnyxOutboundCalls> _logger;
    private readonly CallDirectory? _directory;

    internal TelnyxOutboundCalls(
        ICallRegistry registry,
        TelnyxCallControlClient client,
        TelnyxCallTracker tracker,
        IOptions<TelnyxOptions> options,
        IOptionsMonitor<PhoneBridgeOptions> hosting,
        ILogger<TelnyxOutboundCalls> logger,
        CallDirectory? directory = null)
    {
        _directory = directory;
        _hosting = hosting;
        _registry = registry;
        _client = client;
        _tracker = tracker;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Places a call with media URLs built from <c>PhoneBridge:PublicUrl</c>.</summary>
    /// <exception cref="InvalidOperationException"><c>PhoneBridge:PublicUrl</c> or <c>Telnyx:ConnectionId</c> is not configured.</exception>
    public Task<TelnyxOutboundCall> PlaceCallAsync(string to, string from, CancellationToken cancellationToken)
    {
        var publicUrl = _hosting.CurrentValue.PublicUrl;
        if (string.IsNullOrWhiteSpace(publicUrl) || !Uri.TryCreate(publicUrl.Trim(), UriKind.Absolute, out _))
        {
            throw new InvalidOperationException("PhoneBridge:PublicUrl (or NGROK_URL) is required to place calls outside a request.");
        }

        var webSocketBase = new Uri(PublicUrlResolver.ToWebSocketUrl(publicUrl.Trim().TrimEnd('/')), UriKind.Absolute);
        return PlaceCallAsync(to, from, webSocketBase, cancellationToken);
    }

    /// <summary>
    /// Registers the call, then dials it with the tokenized media URL. The registration is released if the
    /// dial is refused.
    /// </summary>
    /// <param name="to">Number or SIP URI to call; never logged.</param>
    /// <param name="from">A Telnyx number of the account, E.164; never logged.</param>
    /// <param name="publicWebSocketBase">Public <c>wss://host</c> of this server.</param>
    /// <exception cref="TelnyxApiException">Telnyx refused the dial.</exception>
    /// <exception cref="InvalidOperationException"><c>Telnyx:ConnectionId</c> is not configured.</exception>
    public Task<TelnyxOutboundCall> PlaceCallAsync(
        string to, string from, Uri publicWebSocketBase, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        ArgumentNullException.ThrowIfNull(publicWebSocketBase);
        return PlaceCallAsync(new PhoneDialRequest(to, from, publicWebSocketBase), cancellationToken);
    }

    /// <summary>
    /// Registers the call (outbound, joining <see cref="PhoneDialRequest.EdgeCall"/> when given, which then skips the
    /// agent launch), then dials it with the tokenized media URL under <see cref="PhoneDialRequest.PublicBaseUrl"/>
    /// (http(s) or ws(s)), the request's <c>timeout_secs</c> and <c>answering_machine_detection</c> (<c>Telnyx:MachineDetection</c>).
    /// The registration waits for the media stream through the ring timeout too, and is released if the dial is refused.
    /// </summary>
    /// <exception cref="TelnyxApiException">Telnyx refused the dial.</exception>
    /// <exception cref="InvalidOperationException"><c>Telnyx:ConnectionId</c> is not configured.</exception>
    public async Task<TelnyxOutboundCall> PlaceCallAsync(PhoneDialRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.To);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.From);
        ArgumentNullException.ThrowIfNull(request.PublicBaseUrl);
        if (string.IsNullOrWhiteSpace(_options.ConnectionId))
        {
            throw new InvalidOperationException("Telnyx:ConnectionId (the Call Control App id) is required to place calls.");
        }

        var webSocketBase = new Uri(PublicUrlResolver.ToWebSocketUrl(request.PublicBaseUrl.AbsoluteUri.TrimEnd('/')), UriKind.Absolute);
        var registration = await _registry.RegisterAsync(new CallRegistrationRequest(
            TelnyxProvider.Name,
            From: request.From,
            To: request.To,
            Direction: CallDirection.Outbound,
            EdgeCall: request.EdgeCall,
            LinkedCallId: request.LinkedCallId,
            JoinsExistingCall: request.EdgeCall is not null,
            CustomParameters: request.CustomParameters,
            RingTimeout: TimeSpan.FromSeconds(Math.Clamp(
                request.TimeoutSeconds ?? TelnyxCallControlClient.DefaultTimeoutSeconds, TelnyxCallControlClient.MinTimeoutSeconds, TelnyxCallControlClient.MaxTimeoutSeconds))), cancellationToken).ConfigureAwait(false);
        var stream = new TelnyxStreamSettings(
            TelnyxMediaUrl.Build(webSocketBase, registration.CallId, registration.Token), _options.Codec);
        TelnyxDialResult dial;
        try
        {
            dial = await _client.DialAsync(
                new TelnyxDialCommand(
                    _options.ConnectionId,
                    request.To,
                    request.From,
                    stream,
                    Guid.NewGuid().ToString("N"),
                    ClientState: TelnyxClientState.Encode(request.CustomParameters),
                    TimeoutSeconds: request.TimeoutSeconds,
                    MachineDetection: request.MachineDetection,
                    MachineDetectionMode: _options.MachineDetection),
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _registry.Release(registration.CallId);
            throw;
        }

        _tracker.TryAdd(dial.CallControlId, registration.CallId, outbound: true, out _);
        if (_directory is not null && _directory.TryGet(registration.CallId, out var live))
        {
            live.ProviderCallId = dial.CallControlId;
        }

        TelnyxOutboundCallsLog.Dialed(_logger, registration.CallId, dial.CallControlId, _options.Codec);
        return new TelnyxOutboundCall(registration.CallId, dial.CallControlId);
    }

    /// <summary>Hangs up a call. Returns false when Telnyx says it had already ended.</summary>
    public async Task<bool> HangUpAsync(string callControlId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callControlId);
        var wasLive = await _client.HangUpAsync(callControlId, Guid.NewGuid().ToString("N"), cancellationToken)
            .ConfigureAwait(false);
        if (_tracker.TryRemove(callControlId, out var call))
        {
            _registry.Release(call.CallId);
        }

        TelnyxOutboundCallsLog.HungUp(_logger, callControlId, wasLive);
        return wasLive;
    }
}
