namespace PhoneBridge.Stream;

/// <summary>Stream Video settings (section <c>Stream</c>; <c>STREAM_API_KEY</c>/<c>STREAM_API_SECRET</c> are aliases).</summary>
public sealed class StreamOptions
{
    public const string SectionName = "Stream";

    /// <summary>Stream API key. The Stream edge is used only when both key and secret are set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Stream API secret; signs every token we mint. Never logged.</summary>
    public string? ApiSecret { get; set; }

    /// <summary>Coordinator base URL (tests point it at a local fake).</summary>
    public Uri BaseUrl { get; set; } = new("https://video.stream-io-api.com");

    /// <summary>Stream call type the phone joins.</summary>
    public string CallType { get; set; } = "default";

    /// <summary>How the Stream call id is derived for each phone call.</summary>
    public StreamCallIdScheme CallIdScheme { get; set; } = StreamCallIdScheme.CallId;

    /// <summary>Prepended to the Stream call id (both schemes).</summary>
    public string CallIdPrefix { get; set; } = "";

    /// <summary>Prefix of the phone participant's Stream user id.</summary>
    public string PhoneUserIdPrefix { get; set; } = "phone-";

    /// <summary>Show the caller's full number as the participant name (off: only the last digits).</summary>
    public bool ShowFullNumber { get; set; }

    /// <summary>Edge hint sent to <c>/join</c> (<c>auto</c> lets Stream choose).</summary>
    public string Location { get; set; } = "auto";

    /// <summary>Lifetime of the user tokens minted for <c>/join</c>.</summary>
    public TimeSpan UserTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Timeout of one coordinator REST request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval of SFU health-check pings.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The SFU socket counts as lost when nothing at all arrives for this long.</summary>
    public TimeSpan UnhealthyTimeout { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>Timeout for opening the SFU socket, for the join response and for one Twirp call.</summary>
    public TimeSpan SignalTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Remote silence after which new remote audio counts as resumed (the phone's buffer is cleared).</summary>
    public TimeSpan ResumeGap { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Join attempts (first join and each rejoin) before giving up.</summary>
    public int MaxJoinAttempts { get; set; } = 3;

    /// <summary>Reconnections of one session before it is given up.</summary>
    public int MaxReconnectAttempts { get; set; } = 5;

    /// <summary>True when key and secret are both present.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey) && !string.IsNullOrWhiteSpace(ApiSecret);
}

/// <summary>How the Stream call id is chosen.</summary>
public enum StreamCallIdScheme
{
    /// <summary>Our call id (prefixed): the call is easy to find from our logs.</summary>
    CallId,

    /// <summary>A fresh random id per phone call (prefixed).</summary>
    Random,
}
