using System.Text.Json;
using System.Text.Json.Serialization;

namespace PhoneBridge.Telnyx.Rest;

/// <summary>How the media stream of a call is set up; shared by <c>answer</c> and <c>dial</c>.</summary>
/// <param name="StreamUrl">The tokenized <c>wss://…/telnyx/media/{call_id}/{token}</c> URL.</param>
/// <param name="Codec">Codec Telnyx sends us and we send back (<c>stream_codec</c> and <c>stream_bidirectional_codec</c>).</param>
public sealed record TelnyxStreamSettings(Uri StreamUrl, TelnyxCodec Codec)
{
    public const string InboundTrack = "inbound_track";
    public const string RtpMode = "rtp";

    public int SampleRate => SampleRateOf(Codec);

    /// <summary>The PCM rate a stream in <paramref name="codec"/> carries.</summary>
    public static int SampleRateOf(TelnyxCodec codec) => codec == TelnyxCodec.L16 ? 16000 : 8000;

    /// <summary>
    /// The codec to answer an incoming call with. Call Control's <c>answer</c> has no
    /// <c>stream_bidirectional_sampling_rate</c>, so a two-way L16 stream would be 8 kHz (Telnyx's default) while
    /// Telnyx streams L16 to us at 16 kHz; and Telnyx transcodes only between PCMU and PCMA, so a PSTN leg streams
    /// its own codec anyway. Answered calls therefore stream PCMU when L16 is configured; dialed calls, which can
    /// set the rate, keep L16.
    /// </summary>
    public static TelnyxCodec AnswerCodec(TelnyxCodec configured) => configured == TelnyxCodec.L16 ? TelnyxCodec.PCMU : configured;
}

/// <summary>An outbound call to place.</summary>
/// <param name="To">Number or SIP URI to call; never logged.</param>
/// <param name="From">Caller id, a Telnyx number in E.164; never logged.</param>
/// <param name="TimeoutSeconds">Ring time (<c>timeout_secs</c>, 5–600 s, Telnyx's default 30); clamped into that range.</param>
/// <param name="MachineDetection">Ask for answering-machine detection (<c>answering_machine_detection</c>).</param>
/// <param name="MachineDetectionMode">Which detection: <c>detect</c> (default) or <c>premium</c>.</param>
public sealed record TelnyxDialCommand(
    string ConnectionId,
    string To,
    string From,
    TelnyxStreamSettings Stream,
    string CommandId,
    string? ClientState = null,
    int? TimeoutSeconds = null,
    bool MachineDetection = false,
    TelnyxMachineDetection MachineDetectionMode = TelnyxMachineDetection.Detect);

/// <summary>Ids Telnyx gives a new call.</summary>
public sealed record TelnyxDialResult(string CallControlId, string? CallLegId, string? CallSessionId);

internal sealed record AnswerRequestBody(
    string StreamUrl,
    string StreamTrack,
    string StreamCodec,
    string StreamBidirectionalMode,
    string StreamBidirectionalCodec,
    string CommandId,
    string? ClientState);

internal sealed record DialRequestBody(
    string ConnectionId,
    string To,
    string From,
    string StreamUrl,
    string StreamTrack,
    string StreamCodec,
    string StreamBidirectionalMode,
    string StreamBidirectionalCodec,
    int StreamBidirectionalSamplingRate,
    string CommandId,
    string? ClientState,
    int? TimeoutSecs,
    string? AnsweringMachineDetection);

internal sealed record HangupRequestBody(string CommandId);

internal sealed record RejectRequestBody(string Cause, string CommandId);

internal sealed record TransferRequestBody(string To, string? From, string CommandId);

internal sealed record SendDtmfRequestBody(string Digits, int DurationMillis, string CommandId);

internal sealed record DialResponseData(string? CallControlId, string? CallLegId, string? CallSessionId);

internal sealed record DataEnvelope<T>(T? Data);

internal sealed record ErrorsEnvelope(List<ErrorEntry>? Errors);

internal sealed record ErrorEntry(JsonElement Code, string? Title, string? Detail);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AnswerRequestBody))]
[JsonSerializable(typeof(DialRequestBody))]
[JsonSerializable(typeof(HangupRequestBody))]
[JsonSerializable(typeof(RejectRequestBody))]
[JsonSerializable(typeof(TransferRequestBody))]
[JsonSerializable(typeof(SendDtmfRequestBody))]
[JsonSerializable(typeof(DataEnvelope<DialResponseData>))]
[JsonSerializable(typeof(ErrorsEnvelope))]
internal sealed partial class CallControlJsonContext : JsonSerializerContext;
