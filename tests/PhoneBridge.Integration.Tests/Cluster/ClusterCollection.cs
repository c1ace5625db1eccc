namespace PhoneBridge.Integration.Tests.Cluster;

/// <summary>The cluster tests run one at a time: each starts Redis, two servers and maybe nginx, a lot for 2 cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "Cluster";
}
