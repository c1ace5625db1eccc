using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Registry;
using PhoneBridge.Twilio.Rest;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Twilio.Calls;

/// <summary>
/// Places and ends Twilio calls whose media is bridged like an incoming call's: the call is registered first,
/// and Twilio gets inline TwiML that connects the answered call to the fresh tokenized media URL. Once Twilio has
/// accepted it, the call's <see cref="LiveCall.ProviderCallId"/> in the <see cref="CallDirectory"/> is its CallSid.
/// </summary>
public sealed class TwilioOutboundCalls
{
    private readonly ICallRegistry _registry;
    private readonly TwilioRestClient _twilio;
    private readonly IOptionsMonitor<PhoneBridgeOptions> _hosting;
    private readonly ILogger<TwilioOutboundCalls> _logger;
    private readonly CallDirectory? _directory;

    /// <param name="directory">Where the placed call's CallSid is recorded, if the host lists its calls.</param>
    public TwilioOutboundCalls(
        ICallRegistry registry,
        TwilioRestClient twilio,
        IOptionsMonitor<PhoneBridgeOptions> hosting,
        ILogger<TwilioOutboundCalls> logger,
        CallDirectory? directory = null)
    {
        _directory = directory;
        _registry = registry;
        _twilio = twilio;
        _hosting = hosting;
        _logger = logger;
    }

    /// <summary>Whether an account SID and auth token are configured.</summary>
    public bool IsConfigured => _twilio.IsConfigured;

    /// <summary>Places a call with its media URL built from <c>PhoneBridge:PublicUrl</c> (or <c>NGROK_URL</c>).</summary>
    /// <exception cref="InvalidOperationException">No public URL is configured.</exception>
    /// <exception cref="TwilioApiException">Twilio refused the call.</exception>
    public Task<TwilioOutboundCall> PlaceCallAsync(string to, string from, string? statusCallback, CancellationToken cancellationToken)
    {
        var publicUrl = _hosting.CurrentValue.PublicUrl?.Trim();
        if (string.IsNullOrEmpty(publicUrl) || !Uri.TryCreate(publicUrl, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException("PhoneBridge:PublicUrl (or NGROK_URL) is required to place calls outside a request.");
        }

        return PlaceCallAsync(to, from, statusCallback, new Uri(publicUrl.TrimEnd('/'), UriKind.Absolute), cancellationToken);
    }

    /// <summary>
    /// Registers the call, then asks Twilio to dial it with TwiML that streams to the tokenized media URL under
    /// <paramref name="publicBaseUrl"/>. The registration is released if Twilio refuses or cannot be reached.
    /// </summary>
    /// <param name="to">Number (E.164) or client/SIP address; never logged.</param>
    /// <param name="from">A Twilio number or verified caller id of the account; never logged.</param>
    /// <param name="statusCallback">Optional absolute URL Twilio posts call progress to.</param>
    /// <param name="publicBaseUrl">Public http(s) base URL of this server, e.g. <c>https://abc.ngrok.app</c>.</param>
    /// <exception cref="TwilioApiException">Twilio refused the call.</exception>
    public Task<TwilioOutboundCall> PlaceCallAsync(
        string to, string from, string? statusCallback, Uri publicBaseUrl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        ArgumentNullException.ThrowIfNull(publicBaseUrl);
        return PlaceCallAsync(new PhoneDialRequest(to, from, publicBaseUrl), statusCallback, cancellationToken);
    }

    /// <summary>
    /// Registers the call (outbound, joining <see cref="PhoneDialRequest.EdgeCall"/> when given, which then skips the
    /// agent launch), then asks Twilio to dial it with TwiML that streams to the tokenized media URL under
    /// <see cref="PhoneDialRequest.PublicBaseUrl"/>, with the request's ring timeout and answering-machine detection.
    /// The registration waits for the media stream through the ring timeout too, and is released if Twilio refuses or
    /// cannot be reached. When <paramref name="statusCallback"/> is <see cref="StatusCallbackUrl"/> of the request's
    /// public base URL, Twilio is asked for every <see cref="StatusCallbackEvents"/>, not only <c>completed</c>.
    /// </summary>
    /// <exception cref="TwilioApiException">Twilio refused the call.</exception>
    public async Task<TwilioOutboundCall> PlaceCallAsync(PhoneDialRequest request, string? statusCallback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.To);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.From);
        ArgumentNullException.ThrowIfNull(request.PublicBaseUrl);

        var registration = await _registry.RegisterAsync(new CallRegistrationRequest(
            TwilioProvider.Name,
            From: request.From,
            To: request.To,
            Direction: CallDirection.Outbound,
            EdgeCall: request.EdgeCall,
            LinkedCallId: request.LinkedCallId,
            JoinsExistingCall: request.EdgeCall is not null,
            CustomParameters: request.CustomParameters,
            RingTimeout: TimeSpan.FromSeconds(Math.Clamp(request.TimeoutSeconds ?? TwilioRestClient.DefaultRingTimeoutSeconds, 1, TwilioRestClient.MaxRingTimeoutSeconds))), cancellationToken).ConfigureAwait(false);
        try
        {
            var mediaUrl = PublicUrlResolver.BuildMediaUrl(
                request.PublicBaseUrl.AbsoluteUri, TwilioProvider.Name, registration.CallId, registration.Token);
            var twiml = Twiml.ConnectStream(mediaUrl, StreamParameters.WithCallId(registration.CallId, request.CustomParameters));
            var amdCallback = request.MachineDetection ? AmdStatusCallbackUrl(request.PublicBaseUrl) : null;
            var events = statusCallback is not null && statusCallback == StatusCallbackUrl(request.PublicBaseUrl).AbsoluteUri ? StatusCallbackEvents : null;
            var call = await _twilio.CreateCallAsync(
                request.To, request.From, twiml, statusCallback, events, request.TimeoutSeconds, amdCallback, cancellationToken)
                .ConfigureAwait(false);
            if (_directory is not null && _directory.TryGet(registration.CallId, out var live))
            {
                live.ProviderCallId = call.Sid;
            }

            TwilioOutboundCallsLog.OutboundCallPlaced(_logger, registration.CallId, call.Sid, call.Status);
            return new TwilioOutboundCall(registration.CallId, call.Sid, call.Status);
        }
        catch
        {
            _registry.Release(registration.CallId);
            throw;
        }
    }

    /// <summary><c>{public base URL}/twilio/amd</c>: where Twilio posts the asynchronous detection verdict.</summary>
    public static Uri AmdStatusCallbackUrl(Uri publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(publicBaseUrl);
        return new Uri(publicBaseUrl.AbsoluteUri.TrimEnd('/') + TwilioAmdEndpoint.Path, UriKind.Absolute);
    }

    /// <summary>
    /// <c>{public base URL}/twilio/status</c>: where Twilio posts a placed call's progress, so that a call that ends
    /// before its media stream connects (busy, no answer, …) ends here at once rather than after its ring timeout.
    /// </summary>
    public static Uri StatusCallbackUrl(Uri publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(publicBaseUrl);
        return new Uri(publicBaseUrl.AbsoluteUri.TrimEnd('/') + TwilioStatusEndpoint.Path, UriKind.Absolute);
    }

    /// <summary>The <c>StatusCallbackEvent</c>s asked for when the status callback is <see cref="StatusCallbackUrl"/>.</summary>
    public static IReadOnlyList<string> StatusCallbackEvents { get; } = ["initiated", "ringing", "answered", "completed"];

    /// <summary>Ends a call (<c>Status=completed</c>). Returns false when Twilio says it had already ended.</summary>
    public Task<bool> HangUpAsync(string callSid, CancellationToken cancellationToken) =>
        _twilio.HangUpAsync(callSid, cancellationToken);
}

/// <summary>A call we placed: our id (media URL, edge call) and Twilio's (REST, status callbacks).</summary>
/// <param name="CallId">Our call id, also the Stream call id's source.</param>
/// <param name="CallSid">Twilio's call SID (<c>CA…</c>).</param>
/// <param name="Status">Twilio's status when it accepted the request, usually <c>queued</c>.</param>
public sealed record TwilioOutboundCall(string CallId, string CallSid, string? Status);
