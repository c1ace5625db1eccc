namespace PhoneBridge.Core.Cluster;

/// <summary>
/// Webhook keys (event ids, call ids) remembered by every instance sharing the registry, so a webhook the provider
/// delivers twice, to two instances, is acted on once. Optional: without it each process remembers its own
/// (PhoneBridge.Redis registers a shared one). Callers keep their own memory too and fall back to it when this one
/// fails.
/// </summary>
public interface IWebhookDeduplication
{
    /// <summary>Remembers <paramref name="key"/> for <paramref name="window"/>; false when it was remembered already (a duplicate).</summary>
    ValueTask<bool> TryAddAsync(string provider, string key, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="key"/> is remembered.</summary>
    ValueTask<bool> ContainsAsync(string provider, string key, CancellationToken cancellationToken);

    /// <summary>Forgets <paramref name="key"/>, e.g. when its work could not be queued and a retry must be let in.</summary>
    ValueTask RemoveAsync(string provider, string key, CancellationToken cancellationToken);
}
