namespace PhoneBridge.Core.Phone;

/// <summary>What a provider tells us when its media stream starts.</summary>
/// <param name="StreamId">Provider stream id (Twilio <c>streamSid</c>, Telnyx <c>stream_id</c>).</param>
/// <param name="ProviderCallId">Provider call id (Twilio <c>callSid</c>, Telnyx <c>call_control_id</c>).</param>
/// <param name="Format">Negotiated audio format; PCM handed to the bridge is at <see cref="PhoneAudioFormat.SampleRate"/>.</param>
/// <param name="CustomParameters">Twilio <c>customParameters</c> or Telnyx equivalents.</param>
public sealed record PhoneStreamStart(
    string StreamId,
    string? ProviderCallId,
    PhoneAudioFormat Format,
    IReadOnlyDictionary<string, string> CustomParameters);
