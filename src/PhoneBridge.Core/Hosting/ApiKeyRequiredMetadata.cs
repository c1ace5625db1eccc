namespace PhoneBridge.Core.Hosting;

/// <summary>
/// Marks an endpoint guarded by <see cref="ApiKeyFilterExtensions.RequirePhoneBridgeApiKey{TBuilder}"/>: filters
/// are invisible to endpoint metadata, so this is what the API description reads to declare the Bearer scheme.
/// </summary>
public sealed class ApiKeyRequiredMetadata
{
    public static ApiKeyRequiredMetadata Instance { get; } = new();

    private ApiKeyRequiredMetadata()
    {
    }
}
