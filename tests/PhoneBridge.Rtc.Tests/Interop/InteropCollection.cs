namespace PhoneBridge.Rtc.Tests.Interop;

/// <summary>Real-peer tests run one at a time: they are real-time and CPU-sensitive on a shared box.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InteropCollection
{
    public const string Name = "Interop";
}
