namespace PhoneBridge.Benchmarks.Fuzz;

/// <summary>A distinct crash: exception type and the frame that threw, with the first input that caused it.</summary>
internal sealed record FuzzCrash(string Type, string TopFrame, string Message, long FirstInput, string SavedAs)
{
    public long Count { get; set; } = 1;
}

/// <summary>What a campaign found for one target.</summary>
internal sealed class FuzzResult(FuzzTarget target)
{
    public FuzzTarget Target { get; } = target;

    public long Inputs { get; set; }

    public long CrashingInputs { get; set; }

    public Dictionary<string, FuzzCrash> Crashes { get; } = [];

    public long Hangs { get; set; }

    public List<string> HangFiles { get; } = [];

    public double SlowestMs { get; set; }

    public int SlowestSize { get; set; }

    public TimeSpan Elapsed { get; set; }

    public long TotalBytes { get; set; }

    public bool Stopped { get; set; }

    public double Throughput => Elapsed.TotalSeconds > 0 ? Inputs / Elapsed.TotalSeconds : 0;
}
