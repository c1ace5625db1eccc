namespace PhoneBridge.Twilio.Webhooks;

/// <summary>The <c>&lt;Parameter&gt;</c>s of a call's media stream: the bridge's <c>callId</c> first, then the caller's own.</summary>
internal static class StreamParameters
{
    /// <summary>A read-only copy of the configured parameters, or null when there are none.</summary>
    public static IReadOnlyDictionary<string, string>? Of(Dictionary<string, string>? configured) =>
        configured is null || configured.Count == 0 ? null : new Dictionary<string, string>(configured, StringComparer.Ordinal);

    public static IEnumerable<KeyValuePair<string, string>> WithCallId(string callId, IReadOnlyDictionary<string, string>? parameters)
    {
        yield return new(Core.Calls.CustomParameters.ReservedName, callId);
        if (parameters is null)
        {
            yield break;
        }

        foreach (var parameter in parameters)
        {
            yield return parameter;
        }
    }
}
