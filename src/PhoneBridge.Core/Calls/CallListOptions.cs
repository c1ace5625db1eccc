namespace PhoneBridge.Core.Calls;

/// <summary>
/// How <c>GET /calls</c> shows phone numbers. Bound from the <c>Stream</c> section so one switch,
/// <c>Stream:ShowFullNumber</c>, decides for the Stream call's participant names and for the management API alike.
/// </summary>
public sealed class CallListOptions
{
    public const string SectionName = "Stream";

    /// <summary>Show numbers in full; by default only their last four digits (<c>***4567</c>).</summary>
    public bool ShowFullNumber { get; set; }
}
