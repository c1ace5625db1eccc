using System.Net.Http.Headers;
using System.Text;
using Twilio.Constant;
using TwilioHttp = Twilio.Http;
using PhoneBridge.Core.Http;

namespace PhoneBridge.Twilio.Rest;

/// <summary>
/// The SDK's transport for one REST operation, over a factory-made <see cref="HttpClient"/> (so the resilience
/// pipeline applies). It differs from the SDK's own <c>SystemNetHttpClient</c> in three ways the bridge needs:
/// requests the SDK addresses to <c>https://api.twilio.com</c> go to <c>Twilio:ApiBaseUrl</c> (local fakes), the
/// caller's <see cref="CancellationToken"/> reaches the socket (the SDK's async methods take none), and the
/// operation says whether its request is safe to retry. One instance per operation, so
/// <see cref="TwilioHttp.HttpClient.LastResponse"/> belongs to that operation alone.
/// </summary>
internal sealed class TwilioSdkHttpClient : TwilioHttp.HttpClient
{
    private static readonly string UserAgent =
        $"PhoneBridge twilio-csharp/{typeof(TwilioHttp.HttpClient).Assembly.GetName().Version?.ToString(3)}";

    private readonly HttpClient _http;
    private readonly Uri _apiBaseUrl;
    private readonly bool _retrySafe;
    private readonly CancellationToken _cancellationToken;

    public TwilioSdkHttpClient(HttpClient http, Uri apiBaseUrl, bool retrySafe, CancellationToken cancellationToken)
    {
        _http = http;
        _apiBaseUrl = apiBaseUrl;
        _retrySafe = retrySafe;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Blocking calls would tie up a thread per Twilio request; the bridge only uses the async API.</summary>
    public override TwilioHttp.Response MakeRequest(TwilioHttp.Request request) =>
        throw new NotSupportedException("Use the SDK's async methods.");

    public override async Task<TwilioHttp.Response> MakeRequestAsync(TwilioHttp.Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method.ToString()), Rebase(request.ConstructUrl(), _apiBaseUrl));
        if (request.Username is not null && request.Password is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Authentication(request.Username, request.Password));
        }

        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        foreach (var (name, value) in request.HeaderParams)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (!Equals(request.Method, TwilioHttp.HttpMethod.Get))
        {
            message.Content = Equals(request.ContentType, EnumConstants.ContentTypeEnum.JSON)
                ? new StringContent(request.Body ?? string.Empty, Encoding.UTF8, "application/json")
                : new FormUrlEncodedContent(request.PostParams);
        }

        if (_retrySafe)
        {
            message.MarkIdempotent();
        }

        LastRequest = request;
        LastResponse = null;
        using var response = await _http.SendAsync(message, _cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(_cancellationToken).ConfigureAwait(false);
        LastResponse = new TwilioHttp.Response(response.StatusCode, body, response.Headers);
        return LastResponse;
    }

    /// <summary>
    /// <c>https://api.twilio.com/2010-04-01/…?q</c> → <c>{apiBaseUrl}/2010-04-01/…?q</c>; a path in the base URL
    /// is kept as a prefix.
    /// </summary>
    internal static Uri Rebase(Uri sdkUrl, Uri apiBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(sdkUrl);
        ArgumentNullException.ThrowIfNull(apiBaseUrl);
        var prefix = apiBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(prefix + sdkUrl.PathAndQuery, UriKind.Absolute);
    }
}
