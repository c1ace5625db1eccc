using Microsoft.Extensions.Options;
using PhoneBridge.Stream;

namespace PhoneBridge.Testing.Stream;

internal static class TestOptions
{
    public const string ApiKey = "test-api-key";

    // Long enough for Microsoft.IdentityModel's HS256 key-size rule, which the fake coordinator uses to validate.
    public const string ApiSecret = "test-api-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

    public static StreamOptions Create(Uri? baseUrl = null) => new()
    {
        ApiKey = ApiKey,
        ApiSecret = ApiSecret,
        BaseUrl = baseUrl ?? new Uri("http://127.0.0.1:1"),
    };

    public static IOptionsMonitor<T> Monitor<T>(T options) => new StaticMonitor<T>(options);

    private sealed class StaticMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
