namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>A target by name, built only when selected (some set up sessions or keys).</summary>
internal sealed record FuzzTargetFactory(string Name, Func<FuzzTarget> Create);

/// <summary>Every network-facing parser, in campaign order.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<FuzzTargetFactory> All { get; } =
    [
        new("twilio-media", TwilioMediaTarget.Create),
        new("telnyx-media", TelnyxMediaTarget.Create),
        new("twilio-webhook", TwilioWebhookTarget.Create),
        new("telnyx-webhook", TelnyxWebhookTarget.Create),
        new("stun", StunTarget.Create),
        new("turn", TurnTarget.Create),
        new("rtp", RtpTarget.Create),
        new("rtcp", RtcpTarget.Create),
        new("srtp", SrtpTarget.Create),
        new("dtls-record", DtlsRecordTarget.Create),
        new("dtls-handshake", DtlsHandshakeTarget.Create),
        new("sdp", SdpTarget.Create),
        new("sfu-event", SfuEventTarget.Create),
    ];
}
