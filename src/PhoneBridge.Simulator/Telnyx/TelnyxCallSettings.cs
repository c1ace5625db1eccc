namespace PhoneBridge.Simulator.Telnyx;

/// <summary>What the <c>telnyx</c> command was asked to do, parsed and checked.</summary>
internal sealed record TelnyxCallSettings
{
    public required Uri Server { get; init; }

    public required int ApiPort { get; init; }

    public required string ApiKey { get; init; }

    /// <summary>The 32-byte Ed25519 seed the webhooks are signed with.</summary>
    public required byte[] Seed { get; init; }

    public string? WavPath { get; init; }

    /// <summary>How long to stream; null: 5 s of test signal, or the whole WAV.</summary>
    public double? Seconds { get; init; }

    public string? RecordPath { get; init; }

    public string Dtmf { get; init; } = string.Empty;

    public bool SwapChunks { get; init; }

    public bool HangUpByServer { get; init; }

    public string? BridgeApiKey { get; init; }

    /// <summary>A machine sends a long greeting and a beep instead of the test signal or the WAV.</summary>
    public AnswerAs AnswerAs { get; init; }
}
