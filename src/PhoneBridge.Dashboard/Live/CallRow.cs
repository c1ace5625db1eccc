using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Privacy;

namespace PhoneBridge.Dashboard.Live;

/// <summary>
/// One call as the dashboard's list shows it, rounded so that noise does not make a change: latencies and jitter
/// to 0.1 ms, levels to whole steps of 0-100 on a dB scale (-60 dBFS to 0 dBFS).
/// </summary>
internal sealed record CallRow(
    string Id,
    string Provider,
    string Direction,
    string Number,
    DateTimeOffset StartedAt,
    string State,
    bool Held,
    string Edge,
    double? LatencyFromPhoneMs,
    double? LatencyToPhoneMs,
    double? JitterMs,
    long PacketsLost,
    long FramesConcealed,
    int LevelFromPhone,
    int LevelToPhone)
{
    /// <summary>The edge shown for every call on the local echo edge, whose call addresses are its own.</summary>
    public const string EchoEdge = "echo";

    /// <summary>
    /// The row of <paramref name="call"/>; its number masked (the API's masking) unless <paramref name="showFullNumber"/>;
    /// its edge the Stream call's type:id, or <see cref="EchoEdge"/> on the local echo edge.
    /// </summary>
    public static CallRow Of(LiveCall call, bool showFullNumber, string edgeName)
    {
        var outbound = call.Direction == CallDirection.Outbound;
        var number = outbound ? call.Info.To : call.Info.From;
        var quality = call.Quality;
        return new CallRow(
            call.CallId,
            call.Provider,
            outbound ? "outbound" : "inbound",
            number is null ? "" : showFullNumber ? number : Redaction.MaskPhoneNumber(number),
            call.Info.RegisteredAt,
            CallResponse.StateName(call.State),
            call.IsHeld,
            edgeName != EchoEdge && call.EdgeCall is { } edge ? $"{edge.Type}:{edge.Id}" : edgeName,
            Round(quality.LatencyFromPhoneMs),
            Round(quality.LatencyToPhoneMs),
            Round(quality.JitterMs),
            quality.PacketsLost,
            quality.FramesConcealed,
            Level(quality.LevelFromPhone),
            Level(quality.LevelToPhone));
    }

    /// <summary>The fields that differ from <paramref name="before"/>, by their JSON names, with the id.</summary>
    public Dictionary<string, object?>? ChangesSince(CallRow before)
    {
        Dictionary<string, object?>? changes = null;
        void Set(string name, object? value) => (changes ??= new(StringComparer.Ordinal) { ["id"] = Id })[name] = value;

        if (State != before.State) Set("state", State);
        if (Held != before.Held) Set("held", Held);
        if (Edge != before.Edge) Set("edge", Edge);
        if (Number != before.Number) Set("number", Number);
        if (LatencyFromPhoneMs != before.LatencyFromPhoneMs) Set("latencyFromPhoneMs", LatencyFromPhoneMs);
        if (LatencyToPhoneMs != before.LatencyToPhoneMs) Set("latencyToPhoneMs", LatencyToPhoneMs);
        if (JitterMs != before.JitterMs) Set("jitterMs", JitterMs);
        if (PacketsLost != before.PacketsLost) Set("packetsLost", PacketsLost);
        if (FramesConcealed != before.FramesConcealed) Set("framesConcealed", FramesConcealed);
        if (LevelFromPhone != before.LevelFromPhone) Set("levelFromPhone", LevelFromPhone);
        if (LevelToPhone != before.LevelToPhone) Set("levelToPhone", LevelToPhone);
        return changes;
    }

    /// <summary>0 at -60 dBFS and below, 100 at full scale.</summary>
    internal static int Level(float rms)
    {
        if (!(rms > 0.001f))
        {
            return 0;
        }

        var db = 20 * Math.Log10(rms);
        return (int)Math.Clamp(Math.Round((db + 60) * 100 / 60), 0, 100);
    }

    private static double? Round(double? ms) => ms is { } value ? Math.Round(value, 1) : null;
}
