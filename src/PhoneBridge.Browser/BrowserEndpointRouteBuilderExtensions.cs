using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PhoneBridge.Browser.Calls;
using PhoneBridge.Browser.Listen;
using PhoneBridge.Browser.Scripts;
using PhoneBridge.Browser.Webhooks;
using PhoneBridge.Core.Hosting;

namespace PhoneBridge.Browser;

public static class BrowserEndpointRouteBuilderExtensions
{
    /// <summary>
    /// The anonymous modules <c>GET /browser/phone.js</c>, <c>GET /browser/listen.js</c> and what both import,
    /// <c>GET /browser/signaling.js</c>, and, behind the API key,
    /// <c>POST /browser/calls</c> (a browser call: offer in, call id and answer out), <c>DELETE /browser/calls/{callId}</c>
    /// and <c>POST /calls/{callId}/listen</c> (listen-in: receive-only offer in, answer out). With
    /// <c>PhoneBridge:Browser:Enabled=false</c> nothing is mapped. Needs <see cref="BrowserServiceCollectionExtensions.AddBrowser(IServiceCollection)"/>.
    /// </summary>
    public static RouteGroupBuilder MapBrowser(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var browser = endpoints.MapGroup("/" + BrowserProvider.Name).WithTags("Browser");
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<BrowserOptions>>().Value.Enabled)
        {
            return browser;
        }

        browser.MapGet("/phone.js", (HttpContext http) => ModuleScripts.Serve(http, ModuleScripts.Phone))
            .WithName("BrowserPhoneModule")
            .WithSummary("ES module: callAgent({ audio, headers }) makes a browser call with the page's microphone");
        browser.MapGet("/listen.js", (HttpContext http) => ModuleScripts.Serve(http, ModuleScripts.Listen))
            .WithName("BrowserListenModule")
            .WithSummary("ES module: listen(callId, { audio, headers }) plays a call's mix");
        browser.MapGet("/signaling.js", (HttpContext http) => ModuleScripts.Serve(http, ModuleScripts.Signaling))
            .WithName("BrowserSignalingModule")
            .WithSummary("ES module both of the above import: waiting for ICE gathering, reading a refusal's problem details");

        var calls = browser.MapGroup("/calls").RequirePhoneBridgeApiKey();
        calls.MapPost("/", BrowserOfferEndpoint.HandleAsync)
            .DescribeRequestBody<SdpOffer>("application/json")
            .WithName("BrowserCall")
            .WithSummary("A browser call: the page's complete WebRTC offer (microphone, sendrecv) in, the call id and the server's answer out")
            .WithDescription("The call goes through the registry, bridge and edge like a phone call (provider \"browser\"). 400 for an offer that is not JSON, has no audio, no ICE credentials or no DTLS fingerprint; 413 over PhoneBridge:Browser:MaxSdpBytes; 503 at PhoneBridge:Browser:MaxCalls.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        calls.MapDelete("/{callId}", BrowserHangUpEndpoint.HandleAsync)
            .WithName("BrowserHangUp")
            .WithSummary("Hangs up a browser call")
            .ProducesProblem(StatusCodes.Status404NotFound);

        endpoints.MapGroup("/calls").WithTags("Calls").RequirePhoneBridgeApiKey()
            .MapPost("/{callId}/listen", ListenEndpoint.HandleAsync)
            .DescribeRequestBody<SdpOffer>("application/json")
            .WithName("ListenToCall")
            .WithSummary("Listen-in: a receive-only WebRTC offer in, the answer of a connection carrying the call's mix (caller and agent) at the phone's rate out")
            .WithDescription("Works for every call once its media started (409 before); at most four listeners per call (429); 503 when no WebRTC transport can be opened. The connection ends when the page closes it, the call ends or the server stops.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return browser;
    }
}
