using System.Text;
using Microsoft.Extensions.Time.Testing;
using NSec.Cryptography;
using PhoneBridge.Telnyx.Webhooks;

namespace PhoneBridge.Telnyx.Tests.Webhooks;

/// <summary>Known-answer vector built from the RFC 8032 §7.1 TEST 1 key (telephony-protocols §5.3).</summary>
public sealed class TelnyxSignatureVerifierTests
{
    internal const string PublicKeyBase64 = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    internal const string SecretKeyHex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    internal const string Timestamp = "1700000000";
    internal const string Body =
        """{"data":{"event_type":"call.initiated","id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","occurred_at":"2023-11-14T22:13:20.000000Z","payload":{"call_control_id":"v3:abc","direction":"incoming","from":"+15551230000","to":"+15559870000","state":"parked"},"record_type":"event"}}""";
    internal const string Signature =
        "cH/AYcfZpENMmBwjkFpLhWFo95zmgZMeVkvDk/tlX1kNl/TH3bj+wraXAcgBlkIBydWDp69637ifVJU8mdNHDg==";

    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static TelnyxSignatureVerifier CreateVerifier(DateTimeOffset now) =>
        TelnyxSignatureVerifier.FromBase64(PublicKeyBase64, new FakeTimeProvider(now));

    [Fact]
    public void VectorBodyIsTheDocumented271Bytes() => Assert.Equal(271, Encoding.UTF8.GetByteCount(Body));

    [Fact]
    public void Rfc8032Test1KeySignsTheEmptyMessageAsPublished()
    {
        using var key = Key.Import(SignatureAlgorithm.Ed25519, Convert.FromHexString(SecretKeyHex), KeyBlobFormat.RawPrivateKey);
        Assert.Equal(PublicKeyBase64, Convert.ToBase64String(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)));
        Assert.Equal(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            Convert.ToHexStringLower(SignatureAlgorithm.Ed25519.Sign(key, [])));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(299)]
    [InlineData(-299)]
    [InlineData(300)]
    [InlineData(-300)]
    public void AcceptsTheVectorWithinTolerance(int clockOffsetSeconds)
    {
        var verifier = CreateVerifier(SignedAt.AddSeconds(clockOffsetSeconds));
        Assert.Equal(TelnyxSignatureResult.Valid, verifier.Verify(Timestamp, Signature, Encoding.UTF8.GetBytes(Body)));
    }

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    [InlineData(86_400)]
    public void RejectsStaleAndFutureTimestamps(int clockOffsetSeconds)
    {
        var verifier = CreateVerifier(SignedAt.AddSeconds(clockOffsetSeconds));
        Assert.Equal(
            TelnyxSignatureResult.TimestampOutOfTolerance,
            verifier.Verify(Timestamp, Signature, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void RejectsABodyWithOneTrailingSpace()
    {
        var verifier = CreateVerifier(SignedAt);
        Assert.Equal(
            TelnyxSignatureResult.InvalidSignature,
            verifier.Verify(Timestamp, Signature, Encoding.UTF8.GetBytes(Body + " ")));
    }

    [Fact]
    public void RejectsAReserializedBody()
    {
        var reserialized = System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(Body).RootElement,
            new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        var verifier = CreateVerifier(SignedAt);
        Assert.Equal(
            TelnyxSignatureResult.InvalidSignature,
            verifier.Verify(Timestamp, Signature, Encoding.UTF8.GetBytes(reserialized)));
    }

    [Fact]
    public void RejectsAnotherTimestampInsideTheWindow()
    {
        var verifier = CreateVerifier(SignedAt);
        Assert.Equal(
            TelnyxSignatureResult.InvalidSignature,
            verifier.Verify("1700000001", Signature, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void RejectsASignatureOverTheBodyAlone()
    {
        using var key = Key.Import(SignatureAlgorithm.Ed25519, Convert.FromHexString(SecretKeyHex), KeyBlobFormat.RawPrivateKey);
        var bodyOnly = Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(key, Encoding.UTF8.GetBytes(Body)));
        var verifier = CreateVerifier(SignedAt);
        Assert.Equal(TelnyxSignatureResult.InvalidSignature, verifier.Verify(Timestamp, bodyOnly, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void RejectsTheVectorUnderAnotherKey()
    {
        using var other = Key.Create(SignatureAlgorithm.Ed25519);
        var verifier = new TelnyxSignatureVerifier(other.PublicKey, new FakeTimeProvider(SignedAt));
        Assert.Equal(TelnyxSignatureResult.InvalidSignature, verifier.Verify(Timestamp, Signature, Encoding.UTF8.GetBytes(Body)));
    }

    [Fact]
    public void AcceptsAFreshSignatureFromANewKey()
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519);
        var body = Encoding.UTF8.GetBytes("""{"data":{"event_type":"call.hangup"}}""");
        var message = Encoding.ASCII.GetBytes("1700000123|").Concat(body).ToArray();
        var signature = Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(key, message));
        var verifier = new TelnyxSignatureVerifier(key.PublicKey, new FakeTimeProvider(SignedAt));
        Assert.Equal(TelnyxSignatureResult.Valid, verifier.Verify("1700000123", signature, body));
    }

    [Theory]
    [InlineData(null, Signature, TelnyxSignatureResult.MissingHeaders)]
    [InlineData(Timestamp, null, TelnyxSignatureResult.MissingHeaders)]
    [InlineData("", Signature, TelnyxSignatureResult.MissingHeaders)]
    [InlineData("17000000O0", Signature, TelnyxSignatureResult.MalformedTimestamp)]
    [InlineData("+1700000000", Signature, TelnyxSignatureResult.MalformedTimestamp)]
    [InlineData(" 1700000000", Signature, TelnyxSignatureResult.MalformedTimestamp)]
    [InlineData("99999999999999999999999", Signature, TelnyxSignatureResult.MalformedTimestamp)]
    [InlineData(Timestamp, "not base64!", TelnyxSignatureResult.MalformedSignature)]
    [InlineData(Timestamp, "AAAA", TelnyxSignatureResult.MalformedSignature)]
    public void RejectsMalformedHeaders(string? timestamp, string? signature, TelnyxSignatureResult expected)
    {
        var verifier = CreateVerifier(SignedAt);
        Assert.Equal(expected, verifier.Verify(timestamp, signature, Encoding.UTF8.GetBytes(Body)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-base64")]
    [InlineData("AAAA")]
    [InlineData("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURoA")]
    public void RejectsKeysThatAreNot32Bytes(string key) =>
        Assert.False(TelnyxSignatureVerifier.TryDecodePublicKey(key, out _));
}
