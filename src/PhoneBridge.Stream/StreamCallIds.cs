namespace PhoneBridge.Stream;

/// <summary>Derives the Stream call id of a phone call from <see cref="StreamOptions.CallIdScheme"/>.</summary>
public static class StreamCallIds
{
    public static string For(string callId, StreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var id = options.CallIdScheme == StreamCallIdScheme.Random ? Guid.NewGuid().ToString("N") : callId;
        return options.CallIdPrefix + id;
    }
}
