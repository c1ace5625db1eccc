namespace PhoneBridge.Core.Admission;

/// <summary>The process's recent CPU use, as admission control reads it (a seam so tests can set it).</summary>
public interface IProcessCpuSampler
{
    /// <summary>Percent of the whole machine over the last few seconds; null before the first figure (or when not sampled).</summary>
    double? Percent { get; }
}
