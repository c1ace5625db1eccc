using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PhoneBridge.Stream.Auth;

namespace PhoneBridge.Stream.Tests.Auth;

public class StreamTokenFactoryTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static StreamTokenFactory Factory() =>
        new(TestOptions.Monitor(TestOptions.Create()), new FakeTimeProvider(Now));

    [Fact]
    public void Encode_matches_the_RFC7515_appendix_A1_HS256_example()
    {
        // RFC 7515 A.1: the exact header/payload octets (with CRLFs) and the JWK key "k".
        var header = Encoding.UTF8.GetBytes("{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}");
        var payload = Encoding.UTF8.GetBytes("{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");
        var key = Base64Url.DecodeFromChars("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");

        var jws = StreamTokenFactory.Encode(key, header, payload);

        Assert.Equal(
            "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            jws);
    }

    [Fact]
    public async Task Server_token_verifies_with_the_secret_and_claims_server_true()
    {
        var token = Factory().CreateServerToken();

        var result = await Validate(token, TestOptions.ApiSecret);

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("""{"server":true}""", PayloadJson(token));
        Assert.Equal("""{"alg":"HS256","typ":"JWT"}""", HeaderJson(token));
    }

    [Fact]
    public async Task User_token_carries_user_id_and_backdated_iat_and_exp()
    {
        var token = Factory().CreateUserToken("phone-1234", TimeSpan.FromHours(1));

        var result = await Validate(token, TestOptions.ApiSecret);
        Assert.True(result.IsValid, result.Exception?.Message);

        using var payload = JsonDocument.Parse(PayloadJson(token));
        Assert.Equal("phone-1234", payload.RootElement.GetProperty("user_id").GetString());
        Assert.Equal(Now.ToUnixTimeSeconds() - 5, payload.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal(Now.AddHours(1).ToUnixTimeSeconds(), payload.RootElement.GetProperty("exp").GetInt64());
    }

    [Fact]
    public void User_token_without_lifetime_has_no_exp()
    {
        var token = Factory().CreateUserToken("u1");

        using var payload = JsonDocument.Parse(PayloadJson(token));
        Assert.False(payload.RootElement.TryGetProperty("exp", out _));
    }

    [Fact]
    public async Task Token_does_not_verify_with_another_secret()
    {
        var token = Factory().CreateServerToken();

        var result = await Validate(token, "another-secret-0123456789-abcdefghijklmnopqrstuvwxyz");

        Assert.False(result.IsValid);
    }

    [Fact]
    public void Missing_secret_is_a_clear_error()
    {
        var options = TestOptions.Create();
        options.ApiSecret = null;
        var factory = new StreamTokenFactory(TestOptions.Monitor(options), TimeProvider.System);

        var e = Assert.Throws<InvalidOperationException>(factory.CreateServerToken);
        Assert.Contains("ApiSecret", e.Message, StringComparison.Ordinal);
    }

    private static Task<TokenValidationResult> Validate(string token, string secret) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
        });

    private static string HeaderJson(string token) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[0]));

    private static string PayloadJson(string token) => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[1]));
}
