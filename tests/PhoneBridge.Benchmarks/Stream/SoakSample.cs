using System.Globalization;

namespace PhoneBridge.Benchmarks.Stream;

/// <summary>One soak sample: the server process as the OS and its GC see it, and the calls' totals so far.</summary>
internal sealed record SoakSample(
    string Label,
    TimeSpan Elapsed,
    int CallsUp,
    ProcStatus Server,
    long HeapAfterGcBytes,
    long LiveObjectBytes,
    double GcPauseMs,
    long FramesSent,
    long FramesBack,
    long FramesLate,
    long MarkersSent,
    long MarkersLost,
    long ServerFramesDropped,
    int CallsEndedEarly)
{
    private const double MiB = 1024 * 1024;

    public const string MarkdownHeader =
        "| minute | calls up | RSS MB | heap after GC MB | threads | fds | frames sent / back | late | markers lost / sent | GC pause ms |\n" +
        "|---:|---:|---:|---:|---:|---:|---|---:|---|---:|";

    public const string CsvHeader =
        "label,elapsed_s,calls_up,rss_mb,heap_after_gc_mb,live_objects_mb,gc_pause_ms,threads,fds,frames_sent,frames_back,frames_late,markers_sent,markers_lost,server_frames_dropped,calls_ended_early";

    public string MarkdownRow() => string.Create(CultureInfo.InvariantCulture,
        $"| {Label} | {CallsUp} | {Server.RssKiB / 1024.0:0.0} | {HeapAfterGcBytes / MiB:0.00} | {Server.Threads} | {Server.OpenFds} | {FramesSent} / {FramesBack} | {FramesLate} | {MarkersLost} / {MarkersSent} | {GcPauseMs:0} |");

    public string CsvRow() => string.Create(CultureInfo.InvariantCulture,
        $"{Label},{Elapsed.TotalSeconds:0},{CallsUp},{Server.RssKiB / 1024.0:0.0},{HeapAfterGcBytes / MiB:0.000},{LiveObjectBytes / MiB:0.000},{GcPauseMs:0.0},{Server.Threads},{Server.OpenFds},{FramesSent},{FramesBack},{FramesLate},{MarkersSent},{MarkersLost},{ServerFramesDropped},{CallsEndedEarly}");
}
