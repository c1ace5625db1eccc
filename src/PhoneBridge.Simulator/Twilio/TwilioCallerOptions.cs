namespace PhoneBridge.Simulator.Twilio;

/// <summary>Who is calling whom, and how the simulated Twilio account signs its requests.</summary>
public sealed record TwilioCallerOptions
{
    /// <summary>The server's Development auth token, so a fresh <c>dotnet run</c> accepts the simulator.</summary>
    public const string DevelopmentAuthToken = "dev-twilio-auth-token";

    /// <summary>Where requests go, e.g. <c>http://127.0.0.1:5080</c>.</summary>
    public required Uri Server { get; init; }

    /// <summary>
    /// The base URL the server believes it is reached at (its <c>PhoneBridge:PublicUrl</c>), which is what
    /// Twilio signs. Defaults to <see cref="Server"/>.
    /// </summary>
    public Uri? PublicUrl { get; init; }

    public string VoicePath { get; init; } = "/twilio/voice";

    public string AuthToken { get; init; } = DevelopmentAuthToken;

    public string AccountSid { get; init; } = "AC" + new string('0', 31) + "1";

    public string From { get; init; } = "+15005550006";

    public string To { get; init; } = "+15005550001";

    /// <summary>
    /// How long the simulated provider takes from the webhook's answer to opening the media socket. Zero on loopback;
    /// a real provider connects from its own network (TCP and TLS handshakes across the internet), which is the time an
    /// edge join started at the webhook can hide.
    /// </summary>
    public TimeSpan MediaSocketDelay { get; init; }

    public Uri WebhookUrl => new(PublicUrl ?? Server, VoicePath);

    public Uri PostUrl => new(Server, VoicePath);
}
