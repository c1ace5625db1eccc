using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;

namespace PhoneBridge.Browser.Calls;

/// <summary>
/// <c>DELETE /browser/calls/{callId}</c>: the browser hangs up. The call is ended with that reason and released, so
/// the bridge leaves the edge call and closes the connection at once. Only browser calls: a phone call is hung up
/// through <c>/calls/{callId}/hangup</c>.
/// </summary>
internal static class BrowserHangUpEndpoint
{
    /// <summary>The <c>reason</c> of the <c>phone.call</c> ended event of a browser call its page hung up.</summary>
    public const string Reason = "hung up by the browser";

    public static Results<NoContent, ProblemHttpResult> HandleAsync(
        string callId, CallDirectory directory, ICallRegistry registry, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(BrowserHangUpEndpoint).FullName!);
        if (!directory.TryGet(callId, out var call) || !string.Equals(call.Provider, BrowserProvider.Name, StringComparison.Ordinal))
        {
            BrowserHangUpEndpointLog.Unknown(logger, CallIds.IsValidCallId(callId) ? callId : "(invalid)");
            return TypedResults.Problem(title: "No such call", detail: "This instance has no live browser call with that id.", statusCode: StatusCodes.Status404NotFound);
        }

        directory.End(call.CallId, Reason);
        registry.Release(call.CallId);
        BrowserHangUpEndpointLog.HungUp(logger, call.CallId);
        return TypedResults.NoContent();
    }
}
