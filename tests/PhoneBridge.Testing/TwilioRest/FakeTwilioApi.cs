using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PhoneBridge.Testing.TwilioRest;

/// <summary>
/// A local stand-in for api.twilio.com's Calls resource on a loopback port. It checks requests the way Twilio
/// documents and does them (path, Basic auth, form fields, the 4000-character inline TwiML limit, parseable TwiML)
/// and answers with Twilio-shaped JSON, errors included:
/// <list type="bullet">
/// <item>create, https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource: <c>To</c>, <c>From</c>,
/// <c>Twiml</c> or <c>Url</c>, optional <c>Timeout</c> (integer seconds, at most 600) and <c>MachineDetection</c>
/// (<c>Enable</c> or <c>DetectMessageEnd</c>) with, for asynchronous detection
/// (https://www.twilio.com/docs/voice/answering-machine-detection), <c>AsyncAmd</c> (<c>true</c> or <c>false</c>),
/// <c>AsyncAmdStatusCallback</c> (an absolute URL) and <c>AsyncAmdStatusCallbackMethod</c> (<c>POST</c>), and
/// <c>StatusCallback</c> (an absolute http(s) URL), <c>StatusCallbackMethod</c> (<c>GET</c> or <c>POST</c>) and any
/// number of <c>StatusCallbackEvent</c> (<c>initiated</c>, <c>ringing</c>, <c>answered</c>, <c>completed</c>), as
/// https://www.twilio.com/docs/voice/api/call-resource#statuscallbackevent documents them;</item>
/// <item>update, https://www.twilio.com/docs/voice/api/call-resource#update-a-call-resource: <c>Status</c>
/// (<c>completed</c> or <c>canceled</c>) or new <c>Twiml</c>; a <c>&lt;Dial&gt;</c> in it must name one
/// <c>&lt;Number&gt;</c>, <c>&lt;Sip&gt;</c> or <c>&lt;Client&gt;</c> and an E.164 <c>callerId</c> if any (else
/// 13214), and only a call still in progress can be redirected (else 21220).</item>
/// </list>
/// For a call created with <c>AsyncAmd=true</c> the fake sends the verdict the way Twilio does: a form POST to the
/// <c>AsyncAmdStatusCallback</c> signed with the auth token (<see cref="SendAmdCallbackAsync"/>), by itself shortly
/// after the call is placed when <see cref="AutoAnsweredBy"/> is set. Likewise a call created with a
/// <c>StatusCallback</c> gets signed status callbacks (<see cref="SendStatusCallbackAsync"/>; by itself
/// <see cref="AutoCallStatus"/> when set), with the fields https://www.twilio.com/docs/voice/api/call-resource#statuscallback
/// lists.
/// </summary>
public sealed class FakeTwilioApi : IAsyncDisposable
{
    /// <summary>A <c>To</c> Twilio refuses as invalid (21211), like its magic test number.</summary>
    public const string InvalidTo = "+15005550001";

    /// <summary>A <c>To</c> that makes the fake answer with a non-JSON 500, like an outage behind a proxy.</summary>
    public const string OutageTo = "+15005550500";

    private readonly WebApplication _app;

    private FakeTwilioApi(WebApplication app, string accountSid, string authToken)
    {
        _app = app;
        AccountSid = accountSid;
        AuthToken = authToken;
        BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public string AccountSid { get; }

    public string AuthToken { get; }

    public string BaseUrl { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public ConcurrentDictionary<string, string> Calls { get; } = new();

    /// <summary>The <c>AsyncAmdStatusCallback</c> of each call created with <c>AsyncAmd=true</c>, by CallSid.</summary>
    public ConcurrentDictionary<string, Uri> AmdCallbacks { get; } = new();

    /// <summary>
    /// When set, every call created with asynchronous detection gets this <c>AnsweredBy</c> posted to its callback
    /// <see cref="AutoAmdDelay"/> after the create request was answered, as Twilio does once it has listened.
    /// </summary>
    public string? AutoAnsweredBy { get; set; }

    /// <summary>
    /// How long after placing the call <see cref="AutoAnsweredBy"/> is sent. Twilio takes seconds to decide; the bridge
    /// learns the CallSid from the create's answer, so a callback sent too early (a loaded machine) finds no call.
    /// </summary>
    public TimeSpan AutoAmdDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Status codes the bridge answered to the callbacks sent on its own (<see cref="AutoAnsweredBy"/>).</summary>
    public ConcurrentQueue<int> AutoAmdAnswers { get; } = new();

    /// <summary>The <c>StatusCallback</c> of each call created with one, and the <c>StatusCallbackEvent</c>s asked for, by CallSid.</summary>
    public ConcurrentDictionary<string, (Uri Url, string[] Events)> StatusCallbacks { get; } = new();

    /// <summary>
    /// When set, every call created with a <c>StatusCallback</c> gets this final <c>CallStatus</c> (<c>busy</c>,
    /// <c>no-answer</c>, …) posted <see cref="AutoAmdDelay"/> after the create request was answered, and the call ends.
    /// </summary>
    public string? AutoCallStatus { get; set; }

    /// <summary>Status codes the bridge answered to the status callbacks sent on their own (<see cref="AutoCallStatus"/>).</summary>
    public ConcurrentQueue<int> AutoStatusAnswers { get; } = new();

    private int _statusSequence;

    private static readonly HttpClient CallbackHttp = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>An API key (<c>SK…</c>) and secret accepted for Basic auth besides AccountSid:AuthToken, as Twilio does.</summary>
    public (string Sid, string Secret)? ApiKey { get; set; }

    private int _failures;

    /// <summary>The next <paramref name="count"/> requests are answered 503 (Twilio-shaped JSON), like a brief outage.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failures, count);

    /// <summary>A call Twilio has under way (default in progress, as an answered caller's is); returns its SID.</summary>
    public string AddCall(string status = "in-progress")
    {
        var sid = "CA" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Calls[sid] = status;
        return sid;
    }

    public sealed record RecordedRequest(string Method, string Path, string? Authorization, string? ContentType, Dictionary<string, string[]> Form);

    public static async Task<FakeTwilioApi> StartAsync(string accountSid, string authToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeTwilioApi? fake = null;
        app.MapPost("/2010-04-01/Accounts/{account}/Calls.json", (HttpContext http, string account) => fake!.CreateCallAsync(http, account));
        app.MapPost("/2010-04-01/Accounts/{account}/Calls/{callSid}.json", (HttpContext http, string account, string callSid) => fake!.UpdateCallAsync(http, account, callSid));
        await app.StartAsync();
        fake = new FakeTwilioApi(app, accountSid, authToken);
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> CreateCallAsync(HttpContext http, string account)
    {
        var (form, failure) = await ReadAsync(http, account);
        if (failure is not null)
        {
            return failure;
        }

        var to = One(form, "To");
        var from = One(form, "From");
        var twiml = One(form, "Twiml");
        if (string.IsNullOrEmpty(to))
        {
            return Error(400, 21201, "No 'To' number is specified");
        }

        if (string.IsNullOrEmpty(from))
        {
            return Error(400, 21603, "A 'From' phone number is required.");
        }

        if (to == OutageTo)
        {
            return Results.Content("<html><body>502 Bad Gateway</body></html>", "text/html", statusCode: 500);
        }

        if (to == InvalidTo)
        {
            return Error(400, 21211, $"Invalid 'To' Phone Number: {to[..^4]}XXXX");
        }

        if (string.IsNullOrEmpty(twiml) && string.IsNullOrEmpty(One(form, "Url")))
        {
            return Error(400, 21205, "Url parameter is required.");
        }

        if (twiml is not null && ParseFailure(twiml) is { } bad)
        {
            return bad;
        }

        if (form.TryGetValue("Timeout", out var timeouts)
            && !(timeouts.Length == 1 && int.TryParse(timeouts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var timeout) && timeout is > 0 and <= 600))
        {
            return Error(400, 21216, "Timeout must be an integer number of seconds, at most 600.");
        }

        if (form.TryGetValue("MachineDetection", out var detection) && !(detection.Length == 1 && detection[0] is "Enable" or "DetectMessageEnd"))
        {
            return Error(400, 21218, "MachineDetection must be Enable or DetectMessageEnd.");
        }

        var asyncAmd = One(form, "AsyncAmd");
        if (form.ContainsKey("AsyncAmd") && asyncAmd is not ("true" or "false"))
        {
            return Error(400, 21218, "AsyncAmd must be true or false.");
        }

        Uri? amdCallback = null;
        if (form.ContainsKey("AsyncAmdStatusCallback")
            && !(Uri.TryCreate(One(form, "AsyncAmdStatusCallback"), UriKind.Absolute, out amdCallback) && amdCallback.Scheme is "http" or "https"))
        {
            return Error(400, 21609, "AsyncAmdStatusCallback must be an absolute http(s) URL.");
        }

        if (form.ContainsKey("AsyncAmdStatusCallbackMethod") && One(form, "AsyncAmdStatusCallbackMethod") is not "POST")
        {
            return Error(400, 21218, "AsyncAmdStatusCallbackMethod must be POST.");
        }

        Uri? statusCallback = null;
        if (form.ContainsKey("StatusCallback")
            && !(Uri.TryCreate(One(form, "StatusCallback"), UriKind.Absolute, out statusCallback) && statusCallback.Scheme is "http" or "https"))
        {
            return Error(400, 21609, "StatusCallback must be an absolute http(s) URL.");
        }

        if (form.ContainsKey("StatusCallbackMethod") && One(form, "StatusCallbackMethod") is not ("GET" or "POST"))
        {
            return Error(400, 21218, "StatusCallbackMethod must be GET or POST.");
        }

        var statusEvents = form.TryGetValue("StatusCallbackEvent", out var events) ? events : [];
        if (statusEvents.Any(e => e is not ("initiated" or "ringing" or "answered" or "completed")))
        {
            return Error(400, 21218, "StatusCallbackEvent must be initiated, ringing, answered or completed.");
        }

        var sid = AddCall("queued");
        if (statusCallback is not null)
        {
            StatusCallbacks[sid] = (statusCallback, statusEvents);
            if (AutoCallStatus is { } finalStatus)
            {
                var delay = AutoAmdDelay;
                http.Response.OnCompleted(() =>
                {
                    _ = Task.Run(async () =>
                    {
                        await Task.Delay(delay);
                        AutoStatusAnswers.Enqueue((int)await SendStatusCallbackAsync(sid, finalStatus));
                    });
                    return Task.CompletedTask;
                });
            }
        }

        if (asyncAmd == "true" && form.ContainsKey("MachineDetection") && amdCallback is not null)
        {
            // Without a callback Twilio only warns (21262) and keeps the verdict on the call resource.
            AmdCallbacks[sid] = amdCallback;
            if (AutoAnsweredBy is { } answeredBy)
            {
                var delay = AutoAmdDelay;
                http.Response.OnCompleted(() =>
                {
                    _ = Task.Run(async () =>
                    {
                        await Task.Delay(delay);
                        AutoAmdAnswers.Enqueue((int)await SendAmdCallbackAsync(sid, answeredBy));
                    });
                    return Task.CompletedTask;
                });
            }
        }

        return Results.Json(
            new Dictionary<string, object?>
            {
                ["sid"] = sid,
                ["account_sid"] = account,
                ["to"] = to,
                ["from"] = from,
                ["status"] = "queued",
                ["direction"] = "outbound-api",
                ["api_version"] = "2010-04-01",
                ["uri"] = $"/2010-04-01/Accounts/{account}/Calls/{sid}.json",
            },
            statusCode: 201);
    }

    /// <summary>
    /// Posts Twilio's asynchronous AMD verdict for <paramref name="callSid"/> to the callback its create named: form
    /// fields <c>AccountSid</c>, <c>CallSid</c>, <c>AnsweredBy</c> and <c>MachineDetectionDuration</c>, signed in
    /// <c>X-Twilio-Signature</c> with <paramref name="signingToken"/> (default the auth token, as Twilio does).
    /// </summary>
    /// <returns>The status the bridge answered.</returns>
    public async Task<System.Net.HttpStatusCode> SendAmdCallbackAsync(
        string callSid, string answeredBy, int durationMs = 4200, string? signingToken = null, CancellationToken cancellationToken = default)
    {
        if (!AmdCallbacks.TryGetValue(callSid, out var url))
        {
            throw new InvalidOperationException($"Call {callSid} was not created with AsyncAmd=true and an AsyncAmdStatusCallback.");
        }

        var fields = new Dictionary<string, string>
        {
            ["AccountSid"] = AccountSid,
            ["CallSid"] = callSid,
            ["AnsweredBy"] = answeredBy,
            ["MachineDetectionDuration"] = durationMs.ToString(CultureInfo.InvariantCulture),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Twilio-Signature", Sign(signingToken ?? AuthToken, url.AbsoluteUri, fields));
        using var response = await CallbackHttp.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>
    /// Posts Twilio's status callback for <paramref name="callSid"/> to the <c>StatusCallback</c> its create named: form
    /// fields <c>AccountSid</c>, <c>CallSid</c>, <c>CallStatus</c>, <c>Direction</c> (<c>outbound-api</c>),
    /// <c>Timestamp</c> (RFC 2822), <c>SequenceNumber</c>, <c>CallbackSource</c>, <c>ApiVersion</c>, and
    /// <c>CallDuration</c> for a final status, signed in <c>X-Twilio-Signature</c> with <paramref name="signingToken"/>
    /// (default the auth token). A final status (<c>completed</c>, <c>busy</c>, …) also ends the call here. Sent
    /// whatever events the create asked for: a test picks which. <paramref name="deliverTo"/>: the server that
    /// receives it, as a load balancer would pick one (same path; still signed for the callback URL).
    /// </summary>
    /// <returns>The status the bridge answered.</returns>
    public async Task<System.Net.HttpStatusCode> SendStatusCallbackAsync(
        string callSid, string callStatus, int callDurationSeconds = 0, string? signingToken = null, Uri? deliverTo = null, CancellationToken cancellationToken = default)
    {
        if (!StatusCallbacks.TryGetValue(callSid, out var callback))
        {
            throw new InvalidOperationException($"Call {callSid} was not created with a StatusCallback.");
        }

        var fields = new Dictionary<string, string>
        {
            ["AccountSid"] = AccountSid,
            ["ApiVersion"] = "2010-04-01",
            ["CallSid"] = callSid,
            ["CallStatus"] = callStatus,
            ["CallbackSource"] = "call-progress-events",
            ["Direction"] = "outbound-api",
            ["Timestamp"] = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture),
            ["SequenceNumber"] = Interlocked.Increment(ref _statusSequence).ToString(CultureInfo.InvariantCulture),
        };
        if (callStatus is "completed" or "busy" or "failed" or "no-answer" or "canceled")
        {
            fields["CallDuration"] = callDurationSeconds.ToString(CultureInfo.InvariantCulture);
            Calls.TryRemove(callSid, out _);
        }
        else
        {
            Calls[callSid] = callStatus;
        }

        var target = deliverTo is null ? callback.Url : new Uri(deliverTo, callback.Url.PathAndQuery);
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Twilio-Signature", Sign(signingToken ?? AuthToken, callback.Url.AbsoluteUri, fields));
        using var response = await CallbackHttp.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>
    /// Twilio's request signature (https://www.twilio.com/docs/usage/webhooks/webhooks-security): base64 HMAC-SHA1,
    /// keyed with the auth token, of the URL followed by each POST field's name and value in name order.
    /// </summary>
    public static string Sign(string authToken, string url, IReadOnlyDictionary<string, string> fields)
    {
        var signed = new StringBuilder(url);
        foreach (var (name, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            signed.Append(name).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(signed.ToString())));
    }

    private async Task<IResult> UpdateCallAsync(HttpContext http, string account, string callSid)
    {
        var (form, failure) = await ReadAsync(http, account);
        if (failure is not null)
        {
            return failure;
        }

        var status = One(form, "Status");
        var twiml = One(form, "Twiml");
        if (status is null && twiml is not null)
        {
            if (ParseFailure(twiml) is { } bad)
            {
                return bad;
            }

            if (DialFailure(twiml) is { } badDial)
            {
                return badDial;
            }

            if (!Calls.TryGetValue(callSid, out var current))
            {
                return Error(404, 20404, $"The requested resource /2010-04-01/Accounts/{account}/Calls/{callSid}.json was not found");
            }

            if (current is "completed" or "canceled" or "busy" or "failed" or "no-answer")
            {
                return Error(400, 21220, "Call is not in-progress. Cannot redirect.");
            }

            return Results.Json(new Dictionary<string, object?> { ["sid"] = callSid, ["status"] = current });
        }

        if (status is not ("completed" or "canceled"))
        {
            return Error(400, 21218, "Invalid value for Status");
        }

        if (!Calls.TryRemove(callSid, out _))
        {
            return Error(404, 20404, $"The requested resource /2010-04-01/Accounts/{account}/Calls/{callSid}.json was not found");
        }

        return Results.Json(new Dictionary<string, object?> { ["sid"] = callSid, ["status"] = status });
    }

    private async Task<(Dictionary<string, string[]> Form, IResult? Failure)> ReadAsync(HttpContext http, string account)
    {
        var request = http.Request;
        var form = new Dictionary<string, string[]>();
        if (request.HasFormContentType)
        {
            foreach (var (key, values) in await request.ReadFormAsync())
            {
                form[key] = values.ToArray()!;
            }
        }

        var authorization = request.Headers.Authorization.ToString();
        Requests.Enqueue(new RecordedRequest(request.Method, request.Path.Value!, authorization, request.ContentType, form));

        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        var withKey = ApiKey is { } apiKey ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{apiKey.Sid}:{apiKey.Secret}")) : null;
        if ((authorization != expected && authorization != withKey) || account != AccountSid)
        {
            return (form, Error(401, 20003, "Authenticate"));
        }

        if (TakeFailure())
        {
            return (form, Error(503, 20503, "Service Unavailable"));
        }

        if (!request.HasFormContentType || !MediaTypeHeaderValue.Parse(request.ContentType!).MediaType!.Equals("application/x-www-form-urlencoded", StringComparison.Ordinal))
        {
            return (form, Error(400, 20001, "Content-Type must be application/x-www-form-urlencoded"));
        }

        return (form, null);
    }

    private bool TakeFailure()
    {
        int left;
        do
        {
            left = Volatile.Read(ref _failures);
            if (left <= 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _failures, left - 1, left) != left);
        return true;
    }

    private static IResult? ParseFailure(string twiml)
    {
        if (twiml.Length > 4000)
        {
            return Error(400, 32018, "The TwiML provided exceeds the maximum length of 4000 characters.");
        }

        try
        {
            new XmlDocument().LoadXml(twiml);
            return null;
        }
        catch (XmlException)
        {
            return Error(400, 12100, "Document parse failure");
        }
    }

    /// <summary>What Twilio refuses of a <c>&lt;Dial&gt;</c>: no or several destinations, an empty one, a callerId that is not E.164.</summary>
    private static IResult? DialFailure(string twiml)
    {
        var document = XDocument.Parse(twiml);
        foreach (var dial in document.Descendants("Dial"))
        {
            var callerId = dial.Attribute("callerId")?.Value;
            if (callerId is not null && !(callerId.Length is > 8 and <= 16 && callerId[0] == '+' && callerId.AsSpan(1).ContainsAnyExceptInRange('0', '9') is false))
            {
                return Error(400, 13214, "Dial: Invalid callerId value");
            }

            var nouns = dial.Elements().Where(e => e.Name.LocalName is "Number" or "Sip" or "Client").ToArray();
            var text = dial.Nodes().OfType<XText>().Any(t => !string.IsNullOrWhiteSpace(t.Value));
            if (nouns.Length + (text ? 1 : 0) != 1 || nouns.Any(n => string.IsNullOrWhiteSpace(n.Value)))
            {
                return Error(400, 13201, "Dial: Invalid destination");
            }
        }

        return null;
    }

    private static string? One(Dictionary<string, string[]> form, string name) =>
        form.TryGetValue(name, out var values) && values.Length == 1 ? values[0] : null;

    private static IResult Error(int status, int code, string message) =>
        Results.Json(
            new Dictionary<string, object?>
            {
                ["code"] = code,
                ["message"] = message,
                ["more_info"] = $"https://www.twilio.com/docs/errors/{code}",
                ["status"] = status,
            },
            statusCode: status);
}
