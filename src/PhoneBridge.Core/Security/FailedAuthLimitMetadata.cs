namespace PhoneBridge.Core.Security;

/// <summary>Marks an endpoint whose failed authentications count toward <see cref="FailedAuthLimiter"/>, and which blocked addresses get 429 on.</summary>
public sealed class FailedAuthLimitMetadata
{
    public static readonly FailedAuthLimitMetadata Instance = new();

    private FailedAuthLimitMetadata()
    {
    }
}
