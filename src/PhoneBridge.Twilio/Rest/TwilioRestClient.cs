using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Twilio.Rest;

/// <summary>
/// The slice of Twilio's REST API the bridge needs: place a call with inline TwiML and end a call.
/// Basic auth with AccountSid:AuthToken, form-encoded bodies, JSON answers; errors become <see cref="TwilioApiException"/>.
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

    /// <summary>Whether an account SID and auth token are configured.</summary>
    public bool IsConfigured => _options.CurrentValue.HasRestCredentials;

    /// <summary><c>POST /2010-04-01/Accounts/{AccountSid}/Calls.json</c> with <c>To</c>, <c>From</c>, <c>Twiml</c> and an optional <c>StatusCallback</c>.</summary>
    public async Task<TwilioCall> CreateCallAsync(string to, string from, string twiml, string? statusCallback, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        ArgumentException.ThrowIfNullOrWhiteSpace(from);
        ArgumentException.ThrowIfNullOrWhiteSpace(twiml);
        if (twiml.Length > MaxTwimlLength)
        {
            throw new ArgumentException($"Inline TwiML is {twiml.Length} characters; Twilio accepts at most {MaxTwimlLength}.", nameof(twiml));
        }

        var fields = new List<KeyValuePair<string, string>>
        {
            new("To", to),
            new("From", from),
            new("Twiml", twiml),
        };
        if (!string.IsNullOrWhiteSpace(statusCallback))
        {
            fields.Add(new("StatusCallback", statusCallback));
            fields.Add(new("StatusCallbackMethod", "POST"));
        }

        using var document = await SendAsync("Calls.json", fields, cancellationToken).ConfigureAwait(false);
        return ReadCall(document.RootElement);
    }

    /// <summary>
    /// <c>POST …/Calls/{CallSid}.json</c> with <c>Status=completed</c>. Returns false when Twilio says the call
    /// does not exist any more (20404), which for a hangup means it has already ended.
    /// </summary>
    public async Task<bool> HangUpAsync(string callSid, CancellationToken cancellationToken)
    {
        if (!IsCallSid(callSid))
        {
            throw new ArgumentException("Not a Twilio call SID.", nameof(callSid));
        }

        try
        {
            using var document = await SendAsync($"Calls/{callSid}.json", [new("Status", "completed")], cancellationToken).ConfigureAwait(false);
            TwilioLog.CallHungUp(_logger, callSid);
            return true;
        }
        catch (TwilioApiException e) when (e.Code == NotFoundCode || (e.Code is null && e.HttpStatus == (int)HttpStatusCode.NotFound))
        {
            return false;
        }
    }

    /// <summary>Call SIDs are <c>CA</c> followed by 32 hex digits; anything else is refused before it reaches a URL.</summary>
    public static bool IsCallSid(string? value) =>
        value is { Length: 34 } && value.StartsWith("CA", StringComparison.Ordinal) && value.AsSpan(2).ContainsAnyExcept(HexDigits) is false;

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private async Task<JsonDocument> SendAsync(string resource, List<KeyValuePair<string, string>> fields, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        if (!options.HasRestCredentials)
        {
            throw new InvalidOperationException("Twilio REST credentials are not configured (Twilio:AccountSid and Twilio:AuthToken).");
        }

        var uri = new Uri(
            new Uri(options.ApiBaseUrl.TrimEnd('/') + "/", UriKind.Absolute),
            $"2010-04-01/Accounts/{Uri.EscapeDataString(options.AccountSid!)}/{resource}");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new FormUrlEncodedContent(fields),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AccountSid}:{options.AuthToken}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            try
            {
                return JsonDocument.Parse(body);
            }
            catch (JsonException e)
            {
                throw new TwilioApiException($"Twilio API returned HTTP {(int)response.StatusCode} with a body that is not JSON.", e);
            }
        }

        var error = ReadError((int)response.StatusCode, body);
        if (error.Code != NotFoundCode)
        {
            TwilioLog.ApiError(_logger, error.HttpStatus, error.Code, error.TwilioMessage);
        }

        throw error;
    }

    private static TwilioCall ReadCall(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("sid", out var sid)
            || sid.ValueKind != JsonValueKind.String
            || string.IsNullOrEmpty(sid.GetString()))
        {
            throw new TwilioApiException("Twilio API answered without a call sid.");
        }

        var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return new TwilioCall(sid.GetString()!, status);
    }

    private static TwilioApiException ReadError(int httpStatus, byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                int? code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : null;
                var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                var moreInfo = root.TryGetProperty("more_info", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
                return new TwilioApiException(httpStatus, code, message, moreInfo);
            }
        }
        catch (JsonException)
        {
            // Proxies and outages answer with HTML or nothing; the status still says what happened.
        }

        return new TwilioApiException(httpStatus, null, null, null);
    }
}
