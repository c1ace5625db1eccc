namespace PhoneBridge.Telnyx;

/// <summary>Configuration section <c>Telnyx</c>.</summary>
public sealed class TelnyxOptions
{
    public const string SectionName = "Telnyx";

    public const string DefaultApiBaseUrl = "https://api.telnyx.com/v2";

    /// <summary>Call Control API key (Bearer). Alias: <c>TELNYX_API_KEY</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Account Ed25519 public key, base64 of 32 bytes (Keys &amp; Credentials). Alias: <c>TELNYX_PUBLIC_KEY</c>.</summary>
    public string? PublicKey { get; set; }

    /// <summary>Call Control Application id used as <c>connection_id</c> when dialing. Alias: <c>TELNYX_CONNECTION_ID</c>.</summary>
    public string? ConnectionId { get; set; }

    /// <summary>Codec of the bidirectional media stream.</summary>
    public TelnyxCodec Codec { get; set; } = TelnyxCodec.PCMU;

    /// <summary>The detection a dial asks for when <c>machineDetection</c> is set: <c>detect</c> (default) or <c>premium</c>.</summary>
    public TelnyxMachineDetection MachineDetection { get; set; } = TelnyxMachineDetection.Detect;

    /// <summary>Base URL of the Call Control API; tests and the simulator point it at a local fake.</summary>
    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>The provider is on as soon as any of its credentials are configured; it is then validated at start.</summary>
    public bool IsEnabled =>
        !string.IsNullOrWhiteSpace(ApiKey) || !string.IsNullOrWhiteSpace(PublicKey) || !string.IsNullOrWhiteSpace(ConnectionId);
}
