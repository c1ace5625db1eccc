using System.Diagnostics.Metrics;
using PhoneBridge.Core.Bridge;

namespace PhoneBridge.Core.Telemetry;

/// <summary><c>phonebridge.webhooks.rejected</c>: provider webhooks and media sockets refused, by reason.</summary>
public sealed class WebhookMetrics
{
    private static readonly KeyValuePair<string, object?>[] Reasons =
    [
        new(TagNames.RejectReason, "signature"),
        new(TagNames.RejectReason, "token"),
        new(TagNames.RejectReason, "expired"),
        new(TagNames.RejectReason, "reused"),
    ];

    private readonly Counter<long> _rejected;

    public WebhookMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _rejected = meterFactory.Create(BridgeCounters.MeterName)
            .CreateCounter<long>("phonebridge.webhooks.rejected", "{request}", "Provider webhooks and media sockets refused, by reason (signature, token, expired, reused)");
    }

    public void Rejected(WebhookRejection reason) => _rejected.Add(1, Reasons[(int)reason]);
}
