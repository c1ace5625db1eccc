namespace PhoneBridge.Core.Tests.Bridge;

/// <summary>
/// The tests that count allocations on the media path, run one at a time: one of them turns process-wide metric and
/// trace listeners on, which the others must not share by chance of scheduling.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HotPathCollection
{
    public const string Name = "Hot path allocations";
}
