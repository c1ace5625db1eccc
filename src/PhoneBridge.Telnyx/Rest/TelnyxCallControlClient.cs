using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using PhoneBridge.Core.Http;
using Polly.Timeout;

namespace PhoneBridge.Telnyx.Rest;

/// <summary>
/// The few Call Control commands the bridge needs (answer, dial, hangup, transfer, send_dtmf). Every command carries a
/// <c>command_id</c>, so a retry within 60 s is ignored by Telnyx instead of acting twice: the resilience handler
/// (<c>Telnyx:Http</c>) retries transient failures and bounds every try and the whole command.
/// </summary>
public sealed class TelnyxCallControlClient
{
    /// <summary>
    /// <c>timeout_secs</c> of dial and transfer: "Minimum value is 5 seconds. Maximum value is 600 seconds."
    /// (https://developers.telnyx.com/api/call-control/dial-call).
    /// </summary>
    public const int MinTimeoutSeconds = 5;

    /// <inheritdoc cref="MinTimeoutSeconds"/>
    public const int MaxTimeoutSeconds = 600;

    /// <summary>How long Telnyx lets a dialled call ring when <c>timeout_secs</c> is not given.</summary>
    public const int DefaultTimeoutSeconds = 30;

    /// <summary><c>answering_machine_detection</c> value for plain human/machine detection.</summary>
    public const string MachineDetectionDetect = "detect";

    /// <summary><c>answering_machine_detection</c> value for Telnyx's premium (speech-recognition) detection.</summary>
    public const string MachineDetectionPremium = "premium";

    /// <summary>
    /// <c>duration_millis</c> of send_dtmf: "Specifies for how many milliseconds each digit will be played in the
    /// audio stream. Ranges from 100 to 500ms" (default 250), https://developers.telnyx.com/api/call-control/send-dtmf.
    /// </summary>
    public const int MinDtmfDurationMillis = 100;

    /// <inheritdoc cref="MinDtmfDurationMillis"/>
    public const int MaxDtmfDurationMillis = 500;

    private readonly HttpClient _http;

    /// <param name="http">Configured by <c>AddTelnyx</c> with the API base URL and the Bearer key.</param>
    public TelnyxCallControlClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
    }

    /// <summary>Points <paramref name="http"/> at the API with the key; used by DI and by hosts that build their own client.</summary>
    public static void Configure(HttpClient http, string apiBaseUrl, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiBaseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        http.BaseAddress = new Uri(apiBaseUrl.TrimEnd('/') + "/", UriKind.Absolute);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>Answers a parked incoming call and starts the bidirectional media stream.</summary>
    public async Task AnswerAsync(
        string callControlId, TelnyxStreamSettings stream, string commandId, string? clientState, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(callControlId);
        ArgumentNullException.ThrowIfNull(stream);
        var codec = stream.Codec.ToString();
        var body = new AnswerRequestBody(
            stream.StreamUrl.AbsoluteUri,
            TelnyxStreamSettings.InboundTrack,
            codec,
            TelnyxStreamSettings.RtpMode,
            codec,
            commandId,
            clientState);
        using var response = await SendAsync(
            "answer", ActionPath(callControlId, "answer"), body, CallControlJsonContext.Default.AnswerRequestBody, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Places an outbound call whose media stream opens once it is answered.</summary>
    public async Task<TelnyxDialResult> DialAsync(TelnyxDialCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var codec = command.Stream.Codec.ToString();
        var body = new DialRequestBody(
            command.ConnectionId,
            command.To,
            command.From,
            command.Stream.StreamUrl.AbsoluteUri,
            TelnyxStreamSettings.InboundTrack,
            codec,
            TelnyxStreamSettings.RtpMode,
            codec,
            command.Stream.SampleRate,
            command.CommandId,
            command.ClientState,
            command.TimeoutSeconds is { } timeout ? Math.Clamp(timeout, MinTimeoutSeconds, MaxTimeoutSeconds) : null,
            !command.MachineDetection ? null
                : command.MachineDetectionMode == TelnyxMachineDetection.Premium ? MachineDetectionPremium : MachineDetectionDetect);
        using var response = await SendAsync("dial", "calls", body, CallControlJsonContext.Default.DialRequestBody, cancellationToken)
            .ConfigureAwait(false);
        var envelope = await ReadJsonAsync(response, CallControlJsonContext.Default.DataEnvelopeDialResponseData, cancellationToken)
            .ConfigureAwait(false);
        var data = envelope?.Data;
        if (string.IsNullOrEmpty(data?.CallControlId))
        {
            throw new TelnyxApiException("Telnyx dial succeeded but returned no call_control_id.");
        }

        return new TelnyxDialResult(data.CallControlId, data.CallLegId, data.CallSessionId);
    }

    /// <summary>The <c>cause</c> of a reject that the caller hears as busy.</summary>
    public const string RejectCauseUserBusy = "USER_BUSY";

    /// <summary>
    /// Rejects a parked incoming call without answering it (<c>POST /calls/{id}/actions/reject</c> with <c>cause</c>
    /// <c>USER_BUSY</c> or <c>CALL_REJECTED</c> and <c>command_id</c>, https://developers.telnyx.com/api/call-control/reject-call).
    /// Returns false when Telnyx says the call had already ended (422, code 90018).
    /// </summary>
    public async Task<bool> RejectAsync(string callControlId, string cause, string commandId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(callControlId);
        ArgumentException.ThrowIfNullOrEmpty(cause);
        ArgumentException.ThrowIfNullOrEmpty(commandId);
        try
        {
            using var response = await SendAsync(
                "reject", ActionPath(callControlId, "reject"), new RejectRequestBody(cause, commandId),
                CallControlJsonContext.Default.RejectRequestBody, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TelnyxApiException e) when (e.StatusCode == HttpStatusCode.UnprocessableEntity
            && e.HasErrorCode(TelnyxApiException.CallAlreadyEndedCode))
        {
            return false;
        }
    }

    /// <summary>Hangs up a call. Returns false when Telnyx says it had already ended (422, code 90018).</summary>
    public async Task<bool> HangUpAsync(string callControlId, string commandId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(callControlId);
        try
        {
            using var response = await SendAsync(
                "hangup", ActionPath(callControlId, "hangup"), new HangupRequestBody(commandId),
                CallControlJsonContext.Default.HangupRequestBody, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TelnyxApiException e) when (e.StatusCode == HttpStatusCode.UnprocessableEntity
            && e.HasErrorCode(TelnyxApiException.CallAlreadyEndedCode))
        {
            return false;
        }
    }

    /// <summary>
    /// Cold transfer (<c>POST /calls/{id}/actions/transfer</c> with <c>to</c>, <c>from</c>, <c>command_id</c>,
    /// https://developers.telnyx.com/api/call-control/transfer-call): Telnyx dials <paramref name="to"/> and bridges
    /// the call to it. Retried only with the same <paramref name="commandId"/>, which Telnyx ignores when repeated.
    /// </summary>
    /// <param name="to">E.164 number or <c>sip:</c> URI; never logged.</param>
    /// <param name="from">Caller id shown to <paramref name="to"/> (Telnyx's default: the call's own <c>from</c>); never logged.</param>
    public async Task TransferAsync(string callControlId, string to, string? from, string commandId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(callControlId);
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        ArgumentException.ThrowIfNullOrEmpty(commandId);
        using var response = await SendAsync(
            "transfer", ActionPath(callControlId, "transfer"), new TransferRequestBody(to, from, commandId),
            CallControlJsonContext.Default.TransferRequestBody, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Plays DTMF to the call's far end (<c>POST /calls/{id}/actions/send_dtmf</c> with <c>digits</c>,
    /// <c>duration_millis</c>, <c>command_id</c>, https://developers.telnyx.com/api/call-control/send-dtmf).
    /// <paramref name="durationMillis"/> is clamped into the documented 100–500 ms.
    /// </summary>
    /// <param name="digits">0-9, A-D, * and # (and Telnyx's pauses w and W).</param>
    /// <exception cref="ArgumentException">A character Telnyx does not document for <c>digits</c>.</exception>
    public async Task SendDtmfAsync(string callControlId, string digits, int durationMillis, string commandId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(callControlId);
        ArgumentException.ThrowIfNullOrEmpty(digits);
        ArgumentException.ThrowIfNullOrEmpty(commandId);
        if (digits.AsSpan().ContainsAnyExcept(DtmfCharacters))
        {
            throw new ArgumentException("DTMF digits are 0-9, A-D, *, # (and the pauses w, W).", nameof(digits));
        }

        var body = new SendDtmfRequestBody(
            digits, Math.Clamp(durationMillis, MinDtmfDurationMillis, MaxDtmfDurationMillis), commandId);
        using var response = await SendAsync(
            "send_dtmf", ActionPath(callControlId, "send_dtmf"), body, CallControlJsonContext.Default.SendDtmfRequestBody, cancellationToken)
            .ConfigureAwait(false);
    }

    private static readonly System.Buffers.SearchValues<char> DtmfCharacters =
        System.Buffers.SearchValues.Create("0123456789ABCD*#wW");

    private static string ActionPath(string callControlId, string action) =>
        $"calls/{Uri.EscapeDataString(callControlId)}/actions/{action}";

    private async Task<HttpResponseMessage> SendAsync<T>(
        string operation, string path, T body, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        // Every command carries a command_id, so the resilience handler may send it again.
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, typeInfo) };
        request.MarkIdempotent();
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new TelnyxApiException($"Telnyx {operation} could not reach the API{AfterTries(request)}: {e.HttpRequestError}", e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new TelnyxApiException($"Telnyx {operation} timed out{AfterTries(request)}.", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var errors = await ReadErrorsAsync(response, cancellationToken).ConfigureAwait(false);
            throw new TelnyxApiException(operation, response.StatusCode, errors, request.Attempts());
        }
    }

    private static string AfterTries(HttpRequestMessage request) =>
        request.Attempts() > 1 ? $" after {request.Attempts()} tries" : string.Empty;

    private static async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(typeInfo, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new TelnyxApiException("Telnyx answered with a body that is not the expected JSON.", e);
        }
    }

    private static async Task<IReadOnlyList<TelnyxApiError>> ReadErrorsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var envelope = await response.Content.ReadFromJsonAsync(CallControlJsonContext.Default.ErrorsEnvelope, cancellationToken)
                .ConfigureAwait(false);
            return envelope?.Errors?.Select(e => new TelnyxApiError(CodeText(e.Code), e.Title, e.Detail)).ToArray() ?? [];
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            // A gateway error page is not JSON; the status code alone still tells what happened.
            return [];
        }
    }

    // Telnyx documents the code as a string but numbers have been seen; accept both.
    private static string? CodeText(JsonElement code) => code.ValueKind switch
    {
        JsonValueKind.String => code.GetString(),
        JsonValueKind.Number => code.GetRawText(),
        _ => null,
    };
}
