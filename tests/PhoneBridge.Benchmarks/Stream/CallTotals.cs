using PhoneBridge.Simulator.Twilio;

namespace PhoneBridge.Benchmarks.Stream;

/// <summary>The phones' counters summed over calls.</summary>
internal readonly record struct CallTotals(long FramesSent, long FramesBack, long FramesLate, long MarkersSent, long MarkersLost)
{
    public static CallTotals Of(TwilioCallReport report) =>
        new(report.FramesSent, report.BytesReceived / 160, report.FramesLate, report.MarkersSent, report.MarkersLost);

    public static CallTotals operator +(CallTotals a, CallTotals b) =>
        new(a.FramesSent + b.FramesSent, a.FramesBack + b.FramesBack, a.FramesLate + b.FramesLate, a.MarkersSent + b.MarkersSent, a.MarkersLost + b.MarkersLost);
}
