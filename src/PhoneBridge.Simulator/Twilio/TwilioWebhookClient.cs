using System.Net;

namespace PhoneBridge.Simulator.Twilio;

/// <summary>Rings the server the way Twilio does: a signed, form-encoded voice webhook.</summary>
public sealed class TwilioWebhookClient
{
    private readonly HttpClient _http;
    private readonly TwilioCallerOptions _options;

    public TwilioWebhookClient(HttpClient http, TwilioCallerOptions options)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>The form Twilio posts for a new inbound call.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> VoiceForm(string callSid) =>
    [
        new("AccountSid", _options.AccountSid),
        new("ApiVersion", "2010-04-01"),
        new("CallSid", callSid),
        new("CallStatus", "ringing"),
        new("Direction", "inbound"),
        new("From", _options.From),
        new("To", _options.To),
    ];

    /// <summary>Posts the voice webhook and returns the raw response (status, body).</summary>
    public async Task<(HttpStatusCode Status, string Body)> PostVoiceAsync(
        string callSid, string? signatureOverride, CancellationToken cancellationToken)
    {
        var form = VoiceForm(callSid);
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.PostUrl)
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.TryAddWithoutValidation(
            TwilioSignature.HeaderName,
            signatureOverride ?? TwilioSignature.Compute(_options.AuthToken, _options.WebhookUrl.AbsoluteUri, form));
        request.Headers.TryAddWithoutValidation("User-Agent", "TwilioProxy/1.1");
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, body);
    }

    /// <summary>Posts the voice webhook and reads the <c>&lt;Connect&gt;&lt;Stream&gt;</c> it answers with.</summary>
    public async Task<TwimlConnectStream> RingAsync(string callSid, CancellationToken cancellationToken)
    {
        var (status, body) = await PostVoiceAsync(callSid, null, cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.OK)
        {
            throw new SimulatorException($"Voice webhook answered {(int)status} {status}: {Truncate(body)}");
        }

        return TwimlConnectStream.Parse(body);
    }

    private static string Truncate(string body) => body.Length <= 200 ? body : body[..200] + "…";
}
