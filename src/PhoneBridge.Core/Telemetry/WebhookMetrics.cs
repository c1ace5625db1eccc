using System.Diagnostics.Metrics;
using PhoneBridge.Core.Bridge;

namespace PhoneBridge.Core.Telemetry;

/// <summary>
/// <c>phonebridge.webhooks.rejected</c>: provider webhooks and media sockets refused, by reason. Every reason is
/// published from the start (zero included), so an alert on a rate never sees a series appear out of nothing.
/// </summary>
public sealed class WebhookMetrics
{
    private static readonly KeyValuePair<string, object?>[] Reasons =
    [
        new(TagNames.RejectReason, "signature"),
        new(TagNames.RejectReason, "token"),
        new(TagNames.RejectReason, "expired"),
        new(TagNames.RejectReason, "reused"),
    ];

    private readonly long[] _counts = new long[Reasons.Length];

    public WebhookMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        meterFactory.Create(BridgeCounters.MeterName).CreateObservableCounter(
            "phonebridge.webhooks.rejected", Observe, "{request}", "Provider webhooks and media sockets refused, by reason (signature, token, expired, reused)");
    }

    public long Count(WebhookRejection reason) => Interlocked.Read(ref _counts[(int)reason]);

    public void Rejected(WebhookRejection reason) => Interlocked.Increment(ref _counts[(int)reason]);

    private Measurement<long>[] Observe()
    {
        var measurements = new Measurement<long>[Reasons.Length];
        for (var i = 0; i < Reasons.Length; i++)
        {
            measurements[i] = new Measurement<long>(Interlocked.Read(ref _counts[i]), Reasons[i]);
        }

        return measurements;
    }
}
