using System.Text.Json.Serialization;
using PhoneBridge.Core.Privacy;

namespace PhoneBridge.Core.Calls;

/// <summary>One call in <c>GET /calls</c> and <c>GET /calls/{callId}</c>.</summary>
/// <param name="CallId">The bridge's call id (in the media URL; the Stream call id under the default scheme).</param>
/// <param name="Provider">"twilio" or "telnyx".</param>
/// <param name="Direction">"inbound" or "outbound".</param>
/// <param name="State">"ringing", "answered" or "ended".</param>
/// <param name="From">Caller number, masked (<c>***4567</c>) unless <c>Stream:ShowFullNumber</c>.</param>
/// <param name="To">Called number, masked likewise.</param>
/// <param name="StartedAt">When the call was registered.</param>
/// <param name="StreamCallType">Type of the edge (Stream) call the phone joins.</param>
/// <param name="StreamCallId">Id of the edge (Stream) call the phone joins.</param>
/// <param name="ProviderCallId">Twilio CallSid or Telnyx call_control_id; null until the provider gave one.</param>
/// <param name="Held">Whether the call is on hold.</param>
/// <param name="LinkedCallId">For a warm-transfer leg: the call it was dialled for.</param>
/// <param name="Transfer">The call's latest transfer, if any.</param>
/// <param name="Amd">Answering-machine detection verdict of a call placed with <c>machineDetection</c>; null until the provider gave one.</param>
/// <param name="Media">Frame and quality counters, <c>GET /calls/{callId}</c> only (zeros before the media stream starts).</param>
public sealed record CallResponse(
    string CallId,
    string Provider,
    string Direction,
    string State,
    string? From,
    string? To,
    DateTimeOffset StartedAt,
    string? StreamCallType,
    string? StreamCallId,
    string? ProviderCallId,
    bool Held,
    string? LinkedCallId,
    CallTransferResponse? Transfer,
    CallAmdResponse? Amd,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CallMediaStats? Media = null)
{
    /// <summary>The call as the API shows it; <paramref name="withMedia"/> adds the media counters.</summary>
    public static CallResponse Of(LiveCall call, bool showFullNumber, bool withMedia)
    {
        ArgumentNullException.ThrowIfNull(call);
        var info = call.Info;
        var transfer = call.Transfer;
        return new CallResponse(
            call.CallId,
            call.Provider,
            call.Direction == CallDirection.Outbound ? "outbound" : "inbound",
            StateName(call.State),
            Show(info.From, showFullNumber),
            Show(info.To, showFullNumber),
            info.RegisteredAt,
            call.EdgeCall?.Type,
            call.EdgeCall?.Id,
            call.ProviderCallId,
            call.IsHeld,
            info.LinkedCallId,
            transfer is null ? null : new CallTransferResponse(transfer.ModeName, CallTransfer.StateName(transfer.State), transfer.LegCallId),
            call.Amd is { } amd ? new CallAmdResponse(amd.Result, amd.ProviderResult) : null,
            withMedia ? call.Media?.Stats ?? NoMedia : null);
    }

    private static readonly CallMediaStats NoMedia = new(0, 0, 0, 0, 0);

    /// <summary>"ringing", "answered" or "ended", as the API and the <c>phone.call</c> event name them.</summary>
    public static string StateName(CallState state) => state switch
    {
        CallState.Ringing => "ringing",
        CallState.Answered => "answered",
        _ => "ended",
    };

    private static string? Show(string? number, bool showFullNumber) =>
        number is null ? null : showFullNumber ? number : Redaction.MaskPhoneNumber(number);
}

/// <summary>A call's latest transfer.</summary>
/// <param name="Mode">"cold" or "warm".</param>
/// <param name="State">"started", "ringing", "answered", "completed" or "failed".</param>
/// <param name="LegCallId">Warm: the bridge call id of the dialled leg, once placed.</param>
public sealed record CallTransferResponse(string Mode, string State, string? LegCallId);

/// <summary>A call's answering-machine detection verdict.</summary>
/// <param name="Result">"human", "machine", "fax" or "unknown".</param>
/// <param name="ProviderResult">The provider's own verdict (Twilio's <c>AnsweredBy</c>, Telnyx's <c>result</c>).</param>
public sealed record CallAmdResponse(string Result, string ProviderResult);

/// <summary>Answer of <c>POST /calls</c>: the new call's bridge id (also in <c>Location</c>).</summary>
public sealed record CallDialResponse(string CallId);
