namespace PhoneBridge.Server.Hosting.Management;

/// <summary>
/// Marks an endpoint the management listener (<see cref="ServerOptions.ManagementUrls"/>) serves: only there
/// (<c>/stats</c>, <c>/metrics</c>), or there and on the public listener too (<c>/health/*</c>).
/// </summary>
public sealed class ManagementEndpointMetadata
{
    public static readonly ManagementEndpointMetadata Only = new(publicToo: false);

    public static readonly ManagementEndpointMetadata PublicToo = new(publicToo: true);

    private ManagementEndpointMetadata(bool publicToo) => IsPublicToo = publicToo;

    /// <summary>Also served on the public listener.</summary>
    public bool IsPublicToo { get; }
}
