using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using PhoneBridge.Core.Admission;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Recording;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// The handlers of the management API <c>/calls</c>: check the request, find the call, hand the action to
/// <see cref="CallControl"/> and answer. Every refusal is problem details with one log line.
/// </summary>
internal static class CallsEndpoints
{
    public static Ok<CallResponse[]> List(CallDirectory directory, IOptionsMonitor<CallListOptions> options)
    {
        var showFullNumber = options.CurrentValue.ShowFullNumber;
        var calls = directory.Calls
            .Select(call => CallResponse.Of(call, showFullNumber, withMedia: false))
            .OrderBy(call => call.StartedAt)
            .ThenBy(call => call.CallId, StringComparer.Ordinal)
            .ToArray();
        return TypedResults.Ok(calls);
    }

    public static Results<Ok<CallResponse>, ProblemHttpResult> Get(
        string callId, CallDirectory directory, IOptionsMonitor<CallListOptions> options, CallControl control)
    {
        if (!directory.TryGet(callId, out var call))
        {
            return NotFound(control, "get", callId);
        }

        return TypedResults.Ok(CallResponse.Of(call, options.CurrentValue.ShowFullNumber, withMedia: true));
    }

    public static async Task<Results<Accepted<CallDialResponse>, ValidationProblem, ProblemHttpResult>> DialAsync(
        HttpRequest request, CallControl control, PublicUrlResolver urls, CallRecorder recorder, CallDirectory directory, CallAdmission admission,
        CancellationToken cancellationToken)
    {
        const string action = "dial";
        var (body, invalid) = await CallRequestBody.ReadAsync<CallDialRequest>(request, cancellationToken).ConfigureAwait(false);
        if (invalid is not null)
        {
            control.LogRefused(action, null, StatusCodes.Status400BadRequest, "body is not a JSON object");
            return invalid;
        }

        var errors = new Dictionary<string, string[]>();
        var provider = control.FindProvider(body!.Provider);
        if (provider is null)
        {
            errors["provider"] = [$"Expected one of: {string.Join(", ", control.ProviderNames)}."];
        }
        else if (!provider.IsConfigured)
        {
            errors["provider"] = [$"Call control for {provider.Provider} is not configured (its REST API credentials are missing)."];
        }

        if (!CallInput.IsDestination(body.To))
        {
            errors["to"] = ["Expected an E.164 number (+ and 2-15 digits) or sip:user@host."];
        }

        if (!CallInput.IsDestination(body.From))
        {
            errors["from"] = ["Expected an E.164 number of the provider account or sip:user@host."];
        }

        if (body.StreamCallType is not null && !CallInput.IsStreamCallType(body.StreamCallType))
        {
            errors["streamCallType"] = ["Expected 1-64 characters of a-z, 0-9, '_' and '-'."];
        }

        if (body.StreamCallId is not null && !CallInput.IsStreamCallId(body.StreamCallId))
        {
            errors["streamCallId"] = ["Expected 1-64 characters of A-Z, a-z, 0-9, '_' and '-'."];
        }
        else if (body.StreamCallId is null && body.StreamCallType is not null)
        {
            errors["streamCallId"] = ["Required with streamCallType: the Stream call to join."];
        }

        if (body.TimeoutSeconds is { } timeout && timeout is < CallInput.MinTimeoutSeconds or > CallInput.MaxTimeoutSeconds)
        {
            errors["timeoutSeconds"] = [$"Expected {CallInput.MinTimeoutSeconds}-{CallInput.MaxTimeoutSeconds} seconds."];
        }

        if (CustomParameters.Problem(body.CustomParameters) is { } parametersProblem)
        {
            errors["customParameters"] = [parametersProblem];
        }

        if (body.Recording == true && !recorder.IsAvailable)
        {
            errors["recording"] = ["Recording needs PhoneBridge:Recording:Directory to be configured."];
        }

        if (errors.Count > 0)
        {
            control.LogRefused(action, null, StatusCodes.Status400BadRequest, "invalid " + string.Join(", ", errors.Keys));
            return TypedResults.ValidationProblem(errors);
        }

        // Admission control logs its own refusal: one line, and 503 with Retry-After so a client may try another instance.
        // The slot is held until the dial has registered the call or failed.
        using var admitted = admission.Admit(provider!.Provider);
        if (admitted.Verdict != AdmissionVerdict.Admitted)
        {
            return CallAdmission.Unavailable(request.HttpContext.Response, admitted.Verdict);
        }

        // A named Stream call is joined as it is; none: the registry names a new one like an incoming call's.
        var edgeCall = body.StreamCallId is { } streamCallId ? new EdgeCallAddress(body.StreamCallType ?? "default", streamCallId) : null;
        var dial = new PhoneDialRequest(
            body.To!, body.From!, new Uri(urls.GetBaseUrl(request), UriKind.Absolute), edgeCall, body.MachineDetection ?? false, body.TimeoutSeconds,
            CustomParameters: CustomParameters.Copy(body.CustomParameters));
        try
        {
            var placed = await control.DialAsync(provider!, dial, cancellationToken).ConfigureAwait(false);
            if (body.Recording == true && directory.TryGet(placed.CallId, out var placedCall))
            {
                recorder.Request(placedCall);
            }

            return TypedResults.Accepted(Location(placed.CallId), new CallDialResponse(placed.CallId));
        }
        catch (PhoneProviderException e)
        {
            return ProviderFailed(control, action, "(new)", e);
        }
        catch (CallRegistryUnavailableException)
        {
            return RegistryUnavailable(control, action, "(new)");
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            return Unreachable(control, action, "(new)", provider!.Provider);
        }
    }

    public static async Task<Results<Accepted, ProblemHttpResult>> HangUpAsync(
        string callId, CallDirectory directory, CallControl control, CancellationToken cancellationToken)
    {
        const string action = "hangup";
        if (!directory.TryGet(callId, out var call))
        {
            return NotFound(control, action, callId);
        }

        try
        {
            await control.HangUpAsync(call, cancellationToken).ConfigureAwait(false);
            return TypedResults.Accepted((string?)null);
        }
        catch (PhoneProviderException e)
        {
            return ProviderFailed(control, action, call.CallId, e);
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            return Unreachable(control, action, call.CallId, call.Provider);
        }
    }

    public static async Task<Results<Accepted<CallTransferResponse>, ValidationProblem, ProblemHttpResult>> TransferAsync(
        string callId, HttpRequest request, CallDirectory directory, CallControl control, PublicUrlResolver urls, CancellationToken cancellationToken)
    {
        const string action = "transfer";
        if (!directory.TryGet(callId, out var call))
        {
            return NotFound(control, action, callId);
        }

        var (body, invalid) = await CallRequestBody.ReadAsync<CallTransferRequest>(request, cancellationToken).ConfigureAwait(false);
        if (invalid is not null)
        {
            control.LogRefused(action, call.CallId, StatusCodes.Status400BadRequest, "body is not a JSON object");
            return invalid;
        }

        var errors = new Dictionary<string, string[]>();
        if (!CallInput.IsDestination(body!.To))
        {
            errors["to"] = ["Expected an E.164 number (+ and 2-15 digits) or sip:user@host."];
        }

        CallTransferMode? mode = body.Mode?.ToUpperInvariant() switch
        {
            "COLD" => CallTransferMode.Cold,
            "WARM" => CallTransferMode.Warm,
            _ => null,
        };
        if (mode is null)
        {
            errors["mode"] = ["Expected \"cold\" or \"warm\"."];
        }

        if (body.From is not null && !CallInput.IsDestination(body.From))
        {
            errors["from"] = ["Expected an E.164 number of the provider account or sip:user@host."];
        }

        // The caller id shown to the destination: by default the call's own number on our side.
        var from = body.From ?? (call.Direction == CallDirection.Inbound ? call.Info.To : call.Info.From);
        if (mode == CallTransferMode.Warm && errors.Count == 0 && string.IsNullOrEmpty(from))
        {
            errors["from"] = ["Required: this call's own number is not known, so the leg needs one to call from."];
        }

        if (errors.Count > 0)
        {
            control.LogRefused(action, call.CallId, StatusCodes.Status400BadRequest, "invalid " + string.Join(", ", errors.Keys));
            return TypedResults.ValidationProblem(errors);
        }

        if (CallControl.TransferConflict(call) is { } conflict)
        {
            return Conflict(control, action, call.CallId, conflict);
        }

        // A call with no phone network behind it (a browser call) has nowhere to be transferred through.
        if (control.FindProvider(call.Provider) is not { } provider)
        {
            return Conflict(control, action, call.CallId, $"A {call.Provider} call has no phone network behind it to transfer the caller through.");
        }

        if (!provider.IsConfigured)
        {
            return NotConfigured(control, action, call);
        }

        try
        {
            var transfer = await control.TransferAsync(
                call, provider, mode!.Value, body.To!, from, new Uri(urls.GetBaseUrl(request), UriKind.Absolute), cancellationToken).ConfigureAwait(false);
            if (transfer is null)
            {
                return Conflict(control, action, call.CallId, "A transfer of this call is already in progress.");
            }

            return TypedResults.Accepted(
                Location(call.CallId),
                new CallTransferResponse(transfer.ModeName, CallTransfer.StateName(transfer.State), transfer.LegCallId));
        }
        catch (PhoneProviderException e)
        {
            return ProviderFailed(control, action, call.CallId, e);
        }
        catch (CallRegistryUnavailableException)
        {
            return RegistryUnavailable(control, action, call.CallId);
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            return Unreachable(control, action, call.CallId, provider.Provider);
        }
    }

    public static async Task<Results<Accepted, ValidationProblem, ProblemHttpResult>> SendDtmfAsync(
        string callId, HttpRequest request, CallDirectory directory, CallControl control, CancellationToken cancellationToken)
    {
        const string action = "dtmf";
        if (!directory.TryGet(callId, out var call))
        {
            return NotFound(control, action, callId);
        }

        var (body, invalid) = await CallRequestBody.ReadAsync<CallDtmfRequest>(request, cancellationToken).ConfigureAwait(false);
        if (invalid is not null)
        {
            control.LogRefused(action, call.CallId, StatusCodes.Status400BadRequest, "body is not a JSON object");
            return invalid;
        }

        var errors = new Dictionary<string, string[]>();
        if (!CallInput.IsDtmf(body!.Digits))
        {
            errors["digits"] = [$"Expected 1-{CallInput.MaxDtmfDigits} of 0-9, *, #, A-D."];
        }

        if (body.ToneMs is { } ms && ms is < CallInput.MinToneMs or > CallInput.MaxToneMs)
        {
            errors["toneMs"] = [$"Expected {CallInput.MinToneMs}-{CallInput.MaxToneMs} ms."];
        }

        if (errors.Count > 0)
        {
            control.LogRefused(action, call.CallId, StatusCodes.Status400BadRequest, "invalid " + string.Join(", ", errors.Keys));
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var outcome = await control.SendDtmfAsync(call, body.Digits!, body.ToneMs ?? CallInput.DefaultToneMs, cancellationToken).ConfigureAwait(false);
            return outcome switch
            {
                DtmfOutcome.Sent => TypedResults.Accepted((string?)null),
                DtmfOutcome.NoMedia => Conflict(control, action, call.CallId, "The call's media has not started yet; in-band tones need it."),
                _ => Refuse(control, action, call.CallId, StatusCodes.Status429TooManyRequests, "Too many DTMF tones queued",
                    "The call's tone queue is full; send the digits again once the queued ones have played."),
            };
        }
        catch (PhoneProviderException e)
        {
            return ProviderFailed(control, action, call.CallId, e);
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            return Unreachable(control, action, call.CallId, call.Provider);
        }
    }

    public static Results<Accepted, ProblemHttpResult> Hold(string callId, CallDirectory directory, CallControl control) =>
        SetHeld(callId, held: true, directory, control);

    public static Results<Accepted, ProblemHttpResult> Unhold(string callId, CallDirectory directory, CallControl control) =>
        SetHeld(callId, held: false, directory, control);

    private static Results<Accepted, ProblemHttpResult> SetHeld(string callId, bool held, CallDirectory directory, CallControl control)
    {
        if (!directory.TryGet(callId, out var call))
        {
            return NotFound(control, held ? "hold" : "unhold", callId);
        }

        control.SetHeld(call, held);
        return TypedResults.Accepted((string?)null);
    }

    public static Results<Accepted, ProblemHttpResult> StartRecording(string callId, CallDirectory directory, CallRecorder recorder, CallControl control) =>
        ChangeRecording(callId, start: true, directory, recorder, control);

    public static Results<Accepted, ProblemHttpResult> StopRecording(string callId, CallDirectory directory, CallRecorder recorder, CallControl control) =>
        ChangeRecording(callId, start: false, directory, recorder, control);

    private static Results<Accepted, ProblemHttpResult> ChangeRecording(
        string callId, bool start, CallDirectory directory, CallRecorder recorder, CallControl control)
    {
        var action = start ? "recording start" : "recording stop";
        if (!directory.TryGet(callId, out var call))
        {
            return NotFound(control, action, callId);
        }

        return (start ? recorder.Start(call.CallId) : recorder.Stop(call.CallId)) switch
        {
            RecordingCommandResult.Done => TypedResults.Accepted((string?)null),
            RecordingCommandResult.NotConfigured => Refuse(control, action, call.CallId, StatusCodes.Status503ServiceUnavailable,
                "Recording not configured", "Recording needs PhoneBridge:Recording:Directory to be configured."),
            RecordingCommandResult.NoMedia => Conflict(control, action, call.CallId, start
                ? "The call's media has not started yet; dial with \"recording\": true to record it from its start."
                : "The call's media has not started yet, so it is not being recorded."),
            _ => Conflict(control, action, call.CallId, start ? "The call is already being recorded." : "The call is not being recorded."),
        };
    }

    private static string Location(string callId) => "/calls/" + Uri.EscapeDataString(callId);

    private static bool IsUnreachable(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static ProblemHttpResult RegistryUnavailable(CallControl control, string action, string callId) =>
        Refuse(control, action, callId, StatusCodes.Status503ServiceUnavailable, "Call registry unavailable",
            "The shared call registry (Redis) could not be reached. Nothing was dialled; try again.");

    private static ProblemHttpResult NotFound(CallControl control, string action, string callId) =>
        Refuse(control, action, callId, StatusCodes.Status404NotFound, "No such call", "This instance has no live call with that id.");

    private static ProblemHttpResult Conflict(CallControl control, string action, string callId, string detail) =>
        Refuse(control, action, callId, StatusCodes.Status409Conflict, "Not possible in the call's state", detail);

    private static ProblemHttpResult NotConfigured(CallControl control, string action, LiveCall call) =>
        Refuse(control, action, call.CallId, StatusCodes.Status503ServiceUnavailable, "Call control not configured",
            $"Call control for {call.Provider} is not configured (its REST API credentials are missing).");

    private static ProblemHttpResult Refuse(CallControl control, string action, string callId, int status, string title, string detail)
    {
        control.LogRefused(action, callId, status, title);
        return TypedResults.Problem(title: title, detail: detail, statusCode: status);
    }

    private static ProblemHttpResult ProviderFailed(CallControl control, string action, string callId, PhoneProviderException e)
    {
        control.LogProviderFailed(action, callId, e.Provider, e.ProviderStatus, e.ProviderCode);
        return TypedResults.Problem(
            title: e.ProviderStatus is null ? $"{e.Provider} could not be reached" : $"{e.Provider} refused the request",
            detail: e.ProviderMessage ?? "The provider gave no reason. Nothing was changed.",
            statusCode: StatusCodes.Status502BadGateway,
            extensions: new Dictionary<string, object?>
            {
                ["provider"] = e.Provider,
                ["providerStatus"] = e.ProviderStatus,
                ["providerCode"] = e.ProviderCode,
                ["providerMessage"] = e.ProviderMessage,
            });
    }

    private static ProblemHttpResult Unreachable(CallControl control, string action, string callId, string provider)
    {
        control.LogProviderFailed(action, callId, provider, null, null);
        return TypedResults.Problem(
            title: $"{provider} could not be reached",
            detail: "The provider's API did not answer. Nothing was changed.",
            statusCode: StatusCodes.Status502BadGateway,
            extensions: new Dictionary<string, object?>
            {
                ["provider"] = provider,
                ["providerStatus"] = null,
                ["providerCode"] = null,
                ["providerMessage"] = null,
            });
    }
}
