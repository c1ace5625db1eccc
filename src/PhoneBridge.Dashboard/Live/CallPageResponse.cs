using System.Text.RegularExpressions;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Privacy;

namespace PhoneBridge.Dashboard.Live;

/// <summary>Answer of <c>GET /dashboard/api/calls/{callId}</c>: the call's row, its transfer and detection verdict, and its timeline.</summary>
/// <param name="Call">The call as the list shows it.</param>
/// <param name="Transfer">The latest transfer: mode and state ("warm answered"), if any.</param>
/// <param name="Amd">The detection verdict, if any.</param>
/// <param name="Timeline">What happened, oldest first; numbers masked unless <c>Stream:ShowFullNumber</c>.</param>
/// <param name="TimelineDropped">Entries dropped to keep the timeline bounded.</param>
internal sealed partial record CallPageResponse(CallRow Call, string? Transfer, string? Amd, IReadOnlyList<CallTimelineEntry> Timeline, int TimelineDropped)
{
    public static CallPageResponse Of(LiveCall call, CallRow row, bool showFullNumber)
    {
        ArgumentNullException.ThrowIfNull(call);
        var timeline = call.Timeline.Snapshot();
        if (!showFullNumber)
        {
            timeline = [.. timeline.Select(e => e with { Detail = MaskNumbers(e.Detail) })];
        }

        return new CallPageResponse(
            row,
            call.Transfer is { } transfer ? $"{transfer.ModeName} {CallTransfer.StateName(transfer.State)}" : null,
            call.Amd is { } amd ? amd.Result : null,
            timeline,
            call.Timeline.Dropped);
    }

    /// <summary>
    /// Masks anything in free text that looks like a phone number or a SIP user (a provider's reason may quote
    /// one), the way the calls API masks its numbers.
    /// </summary>
    internal static string? MaskNumbers(string? text) =>
        text is null ? null : SipUser().Replace(PhoneNumber().Replace(text, m => Redaction.MaskPhoneNumber(m.Value)), "sip:***@");

    [GeneratedRegex(@"[+(]?\d[\d \-().]{5,}\d")]
    private static partial Regex PhoneNumber();

    [GeneratedRegex(@"sips?:[^@\s]+@", RegexOptions.IgnoreCase)]
    private static partial Regex SipUser();
}
