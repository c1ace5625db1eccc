using System.Diagnostics.CodeAnalysis;

namespace PhoneBridge.Core.Calls;

/// <summary>How providers hand an answering-machine detection verdict to the call and its edge call.</summary>
public static class CallDirectoryAmdExtensions
{
    /// <summary>
    /// The live call of <paramref name="provider"/> whose <see cref="LiveCall.ProviderCallId"/> is
    /// <paramref name="providerCallId"/>. A scan: it runs once or twice per call (a detection webhook), never per frame.
    /// </summary>
    public static bool TryFindByProviderCallId(
        this CallDirectory directory, string provider, string providerCallId, [NotNullWhen(true)] out LiveCall? call)
    {
        ArgumentNullException.ThrowIfNull(directory);
        foreach (var candidate in directory.Calls)
        {
            if (string.Equals(candidate.ProviderCallId, providerCallId, StringComparison.Ordinal)
                && string.Equals(candidate.Provider, provider, StringComparison.Ordinal))
            {
                call = candidate;
                return true;
            }
        }

        call = null;
        return false;
    }

    /// <summary>
    /// Keeps <paramref name="amd"/> on the call (what <c>GET /calls/{callId}</c> shows as <c>amd</c>) and tells its edge
    /// call with a <c>phone.amd</c> event. A later verdict (Telnyx's greeting ended after its detection ended) replaces
    /// the earlier one and is published too; the same verdict twice (a redelivered webhook) is published once.
    /// </summary>
    /// <returns>False when the call already had this very verdict.</returns>
    public static bool ReportAmd(this CallDirectory directory, LiveCall call, CallAmd amd)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(amd);
        if (!call.SetAmd(amd))
        {
            return false;
        }

        directory.Publish(call, new PhoneAmdEvent(call.CallId, amd.Result, amd.ProviderResult));
        return true;
    }
}
