using System.Globalization;

namespace PhoneBridge.Simulator.Load;

/// <summary>
/// Prints a load run's counts while it runs: redrawn in place about once a second on a terminal, one line every
/// few seconds into a file or pipe (where <c>\r</c> would pile up).
/// </summary>
public static class LoadProgressLine
{
    public static readonly TimeSpan TerminalPeriod = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan LogPeriod = TimeSpan.FromSeconds(5);

    public static string Format(LoadSnapshot s) => string.Create(CultureInfo.InvariantCulture,
        $"calls up {s.CallsUp}/{s.CallsRequested}, ended {s.CallsEnded}, failed {s.CallsFailed}; frames sent {s.FramesSent}, back {s.FramesBack}, late {s.FramesLate}, lost {s.FramesLost}");

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled, then leaves the last line on screen.</summary>
    public static async Task RunAsync(LoadTally tally, LiveLineWriter writer, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tally);
        ArgumentNullException.ThrowIfNull(writer);
        using var timer = new PeriodicTimer(writer.InPlace ? TerminalPeriod : LogPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                writer.Show(Format(tally.Snapshot()));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        writer.Keep();
    }
}
