using System.Net;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Rest.Api.V2010.Account;
using Twilio.Types;
using SdkRestClient = Twilio.Clients.TwilioRestClient;
using SdkHttpMethod = Twilio.Http.HttpMethod;

namespace PhoneBridge.Twilio.Rest;

/// <summary>
/// The slice of Twilio's REST API the bridge needs, through the official SDK's <see cref="CallResource"/>: place a
/// call with inline TwiML, end a call, and redirect a call to new TwiML. Requests go over the factory-made
/// <see cref="HttpClient"/> (timeouts, retries of what is safe to repeat) to <c>Twilio:ApiBaseUrl</c>; the SDK's
/// errors become <see cref="TwilioApiException"/>.
/// </summary>
public sealed class TwilioRestClient
{
    /// <summary>Twilio refuses inline TwiML longer than this (error 32018).</summary>
    public const int MaxTwimlLength = 4000;

    /// <summary>"The requested resource was not found": for a hangup, the call is already gone.</summary>
    public const int NotFoundCode = 20404;

    private readonly HttpClient _http;
    private readonly IOptionsMonitor<TwilioOptions> _options;
    private readonly ILogger<TwilioRestClient> _logger;

    public TwilioRestClient(HttpClient http, IOptionsMonitor<TwilioOptions> options, ILogger<TwilioRestClient> logger)
    {
        _http = http;
        _options = options;
        _logger = logger;
    }

    /// <summary>Whether an account SID and an auth token or API key are configured.</summary>
    public bool IsConfigured => _options.CurrentValue.HasRestCredentials;

    /// <summary>Twilio lets a call ring at most this long (<c>Timeout</c>, default 60).</summary>
    public const int MaxRingTimeoutSeconds = 600;

    /// <summary>
    /// <c>MachineDetection</c> value that waits for the end of a machine's greeting (its beep or silence), so an agent
    /// that hears <c>machine_end_*</c> can leave its message at once
    /// (https://www.twilio.com/docs/voice/answering-machine-detection).
    /// </summary>
    public const string MachineDetectionDetectMessageEnd = "DetectMessageEnd";

    /// <summary>How long Twilio lets a call ring when <c>Timeout</c> is not given.</summary>
    public const int DefaultRingTimeoutSeconds = 60;

    /// <summary>
    /// <c>POST /2010-04-01/Accounts/{AccountSid}/Calls.json</c> with <c>To</c>, <c>From</c>, <c>Twiml</c> and an
    /// optional <c>StatusCallback</c>, <c>Timeout</c> (ring time, clamped to 1–600 s as Twilio documents it) and
    /// answering-machine detection. Never retried: a lost answer does not mean Twilio did not dial.
    /// </summary>
    public Task<TwilioCall> CreateCallAsync(string to, string from, string twiml, string? statusCallback, CancellationToken cancellationToken) =>
        CreateCallAsync(to, from, twiml, statusCallback, timeoutSeconds: null, amdStatusCallback: null, cancellationToken);

    /// <inheritdoc cref="CreateCallAsync(string, string, string, string?, CancellationToken)"/>
    /// <param name="amdStatusCallback">
    /// When set, asynchronous detection: <c>MachineDetection=DetectMessageEnd</c>, <c>AsyncAmd=true</c> and this URL as
    /// <c>AsyncAmdStatusCallback</c> (POST). The call is connected at once (its media flows while Twilio listens) and
    /// the verdict arrives there as <c>AnsweredBy</c>.
    /// </param>
    public Task<TwilioCall> CreateCallAsync(
        string to,
        string from,
        string twiml,
        string? statusCallback,
        int? timeoutSeconds,
        Uri? amdStatusCallback,
        CancellationToken cancellationToken) =>
        CreateCallAsync(to, from, twiml, statusCallback, statusCallbackEvents: null, timeoutSeconds, amdStatusCallback, cancellationToken);

    /// <inheritdoc cref="CreateCallAsync(string, string, string, string?, int?, Uri?, CancellationToken)"/>
    /// <param name="statusCallbackEvents">
    /// The <c>StatusCallbackEvent</c>s (<c>initiated</c>, <c>ringing</c>, <c>answered</c>, <c>completed</c>) posted to
    /// <paramref name="statusCallback"/>; null or empty: Twilio's default, <c>completed</c> alone.
    /// </param>
    public async Task<TwilioCall> CreateCallAsync(
        string to,
        string from,
        string twiml,
        string? statusCallback,
        IReadOnlyList<string>? statusCallbackEvents,
        int? timeoutSeconds,
        Uri? amdStatusCallback,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        CheckTwiml(twiml);

        // https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource: Timeout and MachineDetection.
        var options = new CreateCallOptions(new PhoneNumber(to), new PhoneNumber(from))
        {
            Twiml = new Twiml(twiml),
            Timeout = timeoutSeconds is { } timeout ? Math.Clamp(timeout, 1, MaxRingTimeoutSeconds) : null,
        };
        if (amdStatusCallback is not null)
        {
            // Synchronous detection would hold the call (and the agent's first words) until Twilio has decided.
            options.MachineDetection = MachineDetectionDetectMessageEnd;
            options.AsyncAmd = "true";
            options.AsyncAmdStatusCallback = amdStatusCallback;
            options.AsyncAmdStatusCallbackMethod = SdkHttpMethod.Post;
        }

        if (!string.IsNullOrWhiteSpace(statusCallback))
        {
            options.StatusCallback = new Uri(statusCallback, UriKind.Absolute);
            options.StatusCallbackMethod = SdkHttpMethod.Post;
            if (statusCallbackEvents is { Count: > 0 })
            {
                options.StatusCallbackEvent = [.. statusCallbackEvents];
            }
        }

        var call = await SendAsync(client => CallResource.CreateAsync(options, client), retrySafe: false, cancellationToken).ConfigureAwait(false);
        return ToCall(call);
    }

    /// <summary>
    /// <c>POST …/Calls/{CallSid}.json</c> with <c>Status=completed</c>. Returns false when Twilio says the call
    /// does not exist any more (20404), which for a hangup means it has already ended. Retried on transient
    /// failures, since ending a call twice leaves it ended.
    /// </summary>
    public async Task<bool> HangUpAsync(string callSid, CancellationToken cancellationToken)
    {
        CheckCallSid(callSid);
        try
        {
            var options = new UpdateCallOptions(callSid) { Status = CallResource.UpdateStatusEnum.Completed };
            await SendAsync(client => CallResource.UpdateAsync(options, client), retrySafe: true, cancellationToken).ConfigureAwait(false);
            TwilioRestClientLog.CallHungUp(_logger, callSid);
            return true;
        }
        catch (TwilioApiException e) when (IsNotFound(e))
        {
            return false;
        }
    }

    /// <summary>
    /// <c>POST …/Calls/{CallSid}.json</c> with <c>Twiml</c>: the live call leaves its current TwiML (our media
    /// stream) and runs <paramref name="twiml"/>, e.g. a <c>&lt;Dial&gt;</c> that transfers it. Never retried: sent
    /// twice it would start the new TwiML twice.
    /// </summary>
    public async Task<TwilioCall> RedirectAsync(string callSid, string twiml, CancellationToken cancellationToken)
    {
        CheckCallSid(callSid);
        CheckTwiml(twiml);
        var options = new UpdateCallOptions(callSid) { Twiml = new Twiml(twiml) };
        var call = await SendAsync(client => CallResource.UpdateAsync(options, client), retrySafe: false, cancellationToken).ConfigureAwait(false);
        TwilioRestClientLog.CallRedirected(_logger, callSid);
        return ToCall(call);
    }

    /// <summary>Call SIDs are <c>CA</c> followed by 32 hex digits; anything else is refused before it reaches a URL.</summary>
    public static bool IsCallSid(string? value) =>
        value is { Length: 34 } && value.StartsWith("CA", StringComparison.Ordinal) && value.AsSpan(2).ContainsAnyExcept(HexDigits) is false;

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    internal static bool IsNotFound(TwilioApiException e) =>
        e.Code == NotFoundCode || (e.Code is null && e.HttpStatus == (int)HttpStatusCode.NotFound);

    private static void CheckCallSid(string callSid)
    {
        if (!IsCallSid(callSid))
        {
            throw new ArgumentException("Not a Twilio call SID.", nameof(callSid));
        }
    }

    private static void CheckTwiml(string twiml)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(twiml);
        if (twiml.Length > MaxTwimlLength)
        {
            throw new ArgumentException($"Inline TwiML is {twiml.Length} characters; Twilio accepts at most {MaxTwimlLength}.", nameof(twiml));
        }
    }

    /// <summary>
    /// Runs one SDK operation over a transport of its own (which carries the cancellation token and the retry
    /// decision) and turns the SDK's exceptions into ours: Twilio errors into <see cref="TwilioApiException"/>,
    /// transport failures back into what <see cref="HttpClient"/> throws, so callers see what they saw before.
    /// </summary>
    private async Task<CallResource> SendAsync(Func<ITwilioRestClient, Task<CallResource>> operation, bool retrySafe, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        if (!options.HasRestCredentials)
        {
            throw new InvalidOperationException(
                "Twilio REST credentials are not configured (Twilio:AccountSid with Twilio:AuthToken or Twilio:ApiKeySid/ApiKeySecret).");
        }

        var transport = new TwilioSdkHttpClient(_http, new Uri(options.ApiBaseUrl, UriKind.Absolute), retrySafe, cancellationToken);
        // API keys authenticate as key sid/secret; the account sid stays in the URL either way.
        var client = options.UsesApiKey
            ? new SdkRestClient(options.ApiKeySid, options.ApiKeySecret, accountSid: options.AccountSid, httpClient: transport)
            : new SdkRestClient(options.AccountSid, options.AuthToken, accountSid: options.AccountSid, httpClient: transport);
        CallResource? call;
        try
        {
            call = await operation(client).ConfigureAwait(false);
        }
        catch (ApiConnectionException e) when (e.InnerException is { } inner)
        {
            if (inner is TimeoutRejectedException timeout)
            {
                // What HttpClient.Timeout throws, so callers keep treating it as "Twilio unreachable".
                throw new TaskCanceledException($"Twilio API did not answer within {timeout.Timeout.TotalSeconds:0} s.", new TimeoutException(timeout.Message, timeout));
            }

            ExceptionDispatchInfo.Throw(inner);
            throw;
        }
        catch (ApiException e)
        {
            throw Log(FromSdk(e, transport.LastResponse?.StatusCode));
        }
        catch (ApiStandardException e)
        {
            throw Log(new TwilioApiException(e.Status, e.Code == 0 ? null : e.Code, e.Detail ?? e.Title, e.Type));
        }

        if (call is null || string.IsNullOrEmpty(call.Sid))
        {
            throw new TwilioApiException("Twilio API answered without a call sid.");
        }

        return call;
    }

    /// <summary>
    /// The SDK fills code, status and message from Twilio's JSON error; for a body that is not JSON (a proxy's
    /// HTML page) it has only a message quoting the body, so the status comes from the response and the message
    /// is dropped.
    /// </summary>
    private static TwilioApiException FromSdk(ApiException e, HttpStatusCode? status)
    {
        if (e.Status != 0)
        {
            return new TwilioApiException(e.Status, e.Code == 0 ? null : e.Code, e.Message, e.MoreInfo);
        }

        var httpStatus = status is null ? 0 : (int)status.Value;
        return httpStatus is >= 200 and < 300
            ? new TwilioApiException($"Twilio API returned HTTP {httpStatus} with a body that is not JSON.", e)
            : new TwilioApiException(httpStatus, null, null, null);
    }

    private TwilioApiException Log(TwilioApiException error)
    {
        if (error.Code != NotFoundCode)
        {
            TwilioRestClientLog.ApiError(_logger, error.HttpStatus, error.Code, error.TwilioMessage);
        }

        return error;
    }

    private static TwilioCall ToCall(CallResource call) => new(call.Sid, call.Status?.ToString());
}
