using PhoneBridge.Telnyx.Webhooks;

namespace PhoneBridge.Benchmarks.Fuzz.Targets;

/// <summary>
/// Telnyx Call Control webhooks: <see cref="TelnyxSignatureVerifier.Verify"/> over the <c>telnyx-timestamp</c> and
/// <c>telnyx-signature-ed25519</c> headers and the body, then <see cref="TelnyxWebhookEvent.Parse"/> of the body
/// (run on every input, although production parses only signed bodies). Neither caller catches anything.
/// Input: <c>timestamp \n signature \n body</c>.
/// </summary>
internal static class TelnyxWebhookTarget
{
    public static FuzzTarget Create()
    {
        // telephony-protocols.md §5.3: RFC 8032 TEST 1 key, a real signed body, the clock at its timestamp.
        var verifier = TelnyxSignatureVerifier.FromBase64("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", new FixedClock(DateTimeOffset.FromUnixTimeSeconds(1700000000)));
        const string Body = """{"data":{"event_type":"call.initiated","id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","occurred_at":"2023-11-14T22:13:20.000000Z","payload":{"call_control_id":"v3:abc","direction":"incoming","from":"+15551230000","to":"+15559870000","state":"parked"},"record_type":"event"}}""";
        const string Signature = "cH/AYcfZpENMmBwjkFpLhWFo95zmgZMeVkvDk/tlX1kNl/TH3bj+wraXAcgBlkIBydWDp69637ifVJU8mdNHDg==";
        var seeds = new[]
        {
            WebhookInput.Seed("1700000000", Signature, Body),
            WebhookInput.Seed("1700000000", Signature, """{"data":{"record_type":"event","event_type":"call.answered","id":"8b1d2c6e-6a9c-4d7e-9d3e-1f2a3b4c5d6e","occurred_at":"2023-11-14T22:13:25.000000Z","payload":{"call_control_id":"v3:abc","call_leg_id":"428c31b6","call_session_id":"428c31b6-7af4","client_state":"aGF2ZSBh","connection_id":"1684641123236054244","from":"+15551230000","to":"+15559870000","state":"answered"}},"meta":{"attempt":1,"delivered_to":"https://example.com/telnyx/webhook"}}"""),
            WebhookInput.Seed("1700000100", Signature, """{"data":{"record_type":"event","event_type":"call.hangup","id":"f3a1","occurred_at":"2023-11-14T22:14:00.000000Z","payload":{"call_control_id":"v3:abc","hangup_cause":"normal_clearing","hangup_source":"caller","sip_hangup_cause":"16","from":"+15551230000","to":"+15559870000","state":"hangup"}}}"""),
            WebhookInput.Seed("1700000000", Signature, """{"data":{"record_type":"event","event_type":"streaming.failed","id":"a1","payload":{"call_control_id":"v3:abc","failure_reason":"connection_failed","stream_id":"32DE0DEA-53CB-4B21-89A4-9E1819C043BC","stream_params":{"stream_url":"wss://example.com/telnyx/media"}}}}"""),
        };
        return new FuzzTarget("telnyx-webhook", "TelnyxSignatureVerifier.Verify + TelnyxWebhookEvent.Parse", seeds, input => Run(input, verifier), 256 * 1024, Text: true);
    }

    private static void Run(ReadOnlySpan<byte> input, TelnyxSignatureVerifier verifier)
    {
        var parts = new WebhookInput(input);
        _ = verifier.Verify(parts.First, parts.Second, parts.Body);
        var webhook = TelnyxWebhookEvent.Parse(parts.Body);
        _ = webhook?.IsIncoming;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
