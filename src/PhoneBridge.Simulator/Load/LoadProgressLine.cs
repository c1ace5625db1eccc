using System.Globalization;

namespace PhoneBridge.Simulator.Load;

/// <summary>
/// Prints a load run's counts while it runs: rewritten in place with <c>\r</c> about once a second on a terminal,
/// one line every few seconds into a file or pipe (where <c>\r</c> would pile up).
/// </summary>
public static class LoadProgressLine
{
    public static readonly TimeSpan TerminalPeriod = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan LogPeriod = TimeSpan.FromSeconds(5);

    public static string Format(LoadSnapshot s) => string.Create(CultureInfo.InvariantCulture,
        $"calls up {s.CallsUp}/{s.CallsRequested}, ended {s.CallsEnded}, failed {s.CallsFailed}; frames sent {s.FramesSent}, back {s.FramesBack}, late {s.FramesLate}, lost {s.FramesLost}");

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled, then ends the in-place line.</summary>
    public static async Task RunAsync(LoadTally tally, TextWriter writer, bool inPlace, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tally);
        ArgumentNullException.ThrowIfNull(writer);
        using var timer = new PeriodicTimer(inPlace ? TerminalPeriod : LogPeriod, time);
        var previousLength = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var line = Format(tally.Snapshot());
                if (inPlace)
                {
                    // Pad over a longer previous line; the cursor stays on the line for the next rewrite.
                    await writer.WriteAsync("\r" + line.PadRight(previousLength)).ConfigureAwait(false);
                    previousLength = line.Length;
                }
                else
                {
                    await writer.WriteLineAsync(line).ConfigureAwait(false);
                }

                await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        if (inPlace && previousLength > 0)
        {
            await writer.WriteLineAsync().ConfigureAwait(false);
        }
    }
}
