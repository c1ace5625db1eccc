using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Stream.Auth;

/// <summary>
/// Mints the HS256 JWTs Stream accepts: a server token (<c>{"server":true}</c>) for admin REST calls and
/// user tokens for <c>/join</c>. Signed with the raw API secret as the HMAC key.
/// </summary>
public sealed class StreamTokenFactory
{
    // Stream's SDKs back-date iat so a coordinator whose clock runs slightly behind still accepts the token.
    internal static readonly TimeSpan IssuedAtSkew = TimeSpan.FromSeconds(5);

    private static readonly byte[] HeaderJson = """{"alg":"HS256","typ":"JWT"}"""u8.ToArray();

    private readonly IOptionsMonitor<StreamOptions> _options;
    private readonly TimeProvider _time;

    public StreamTokenFactory(IOptionsMonitor<StreamOptions> options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    /// <summary>Token for server-side REST calls (user writes, call create, custom events).</summary>
    public string CreateServerToken() => Sign(Secret(), w => w.WriteBoolean("server", true));

    /// <summary>Token for <paramref name="userId"/>; <paramref name="lifetime"/> null means no expiry.</summary>
    public string CreateUserToken(string userId, TimeSpan? lifetime = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var now = _time.GetUtcNow();
        return Sign(Secret(), w =>
        {
            w.WriteString("user_id", userId);
            w.WriteNumber("iat", (now - IssuedAtSkew).ToUnixTimeSeconds());
            if (lifetime is { } l)
            {
                w.WriteNumber("exp", (now + l).ToUnixTimeSeconds());
            }
        });
    }

    private byte[] Secret()
    {
        var secret = _options.CurrentValue.ApiSecret;
        if (string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException("Stream:ApiSecret is not configured.");
        }

        return Encoding.UTF8.GetBytes(secret);
    }

    private static string Sign(byte[] key, Action<Utf8JsonWriter> writeClaims)
    {
        var payload = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(payload))
        {
            writer.WriteStartObject();
            writeClaims(writer);
            writer.WriteEndObject();
        }

        return Encode(key, HeaderJson, payload.WrittenSpan);
    }

    /// <summary>JWS compact serialization with HMAC-SHA256 over the given header and payload bytes.</summary>
    internal static string Encode(ReadOnlySpan<byte> key, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        var signingInput = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput), mac);
        return signingInput + "." + Base64Url.EncodeToString(mac);
    }
}
