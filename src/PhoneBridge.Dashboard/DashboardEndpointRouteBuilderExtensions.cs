using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PhoneBridge.Core.Hosting;
using PhoneBridge.Core.Security;
using PhoneBridge.Dashboard.Assets;
using PhoneBridge.Dashboard.Live;
using PhoneBridge.Dashboard.Pages;
using PhoneBridge.Dashboard.Sessions;

namespace PhoneBridge.Dashboard;

public static class DashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// <c>/dashboard</c>: the live call list and a page per call (<c>/dashboard/calls/{callId}</c>) for a logged-in
    /// session (a redirect to <c>/dashboard/login</c> otherwise), <c>POST /dashboard/login</c> (the API key) and
    /// <c>/dashboard/logout</c>, <c>GET /dashboard/session</c> (the CSRF token), <c>GET /dashboard/events</c> (the
    /// list as server-sent events) and <c>GET /dashboard/api/calls/{callId}</c> (a call's timeline); the last two take
    /// the session or the API key (401 otherwise). Needs <see cref="DashboardServiceCollectionExtensions.AddDashboard"/>.
    /// </summary>
    public static RouteGroupBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var dashboard = endpoints.MapGroup("/dashboard").WithTags("Dashboard");

        dashboard.MapGet("/", (HttpContext context, DashboardSessions sessions, DashboardAssets assets) => DashboardPages.Page(context, sessions, assets, "calls.html"))
            .WithName("DashboardCalls")
            .WithSummary("The live call list page (login first)")
            .ExcludeFromDescription();
        dashboard.MapGet("/calls/{callId}", (string callId, HttpContext context, DashboardSessions sessions, DashboardAssets assets) => DashboardPages.Page(context, sessions, assets, "call.html"))
            .WithName("DashboardCall")
            .WithSummary("One call's page: its timeline and controls (login first)")
            .ExcludeFromDescription();
        dashboard.MapGet("/login", (HttpContext context, DashboardAssets assets) => DashboardPages.Asset(context, assets, "login.html"))
            .WithName("DashboardLoginPage")
            .ExcludeFromDescription();
        dashboard.MapGet("/assets/{name}", (string name, HttpContext context, DashboardAssets assets) =>
                name.EndsWith(".html", StringComparison.Ordinal) ? Results.NotFound() : DashboardPages.Asset(context, assets, name))
            .WithName("DashboardAsset")
            .ExcludeFromDescription();

        dashboard.MapPost("/login", LoginEndpoints.LoginAsync)
            .LimitFailedAuth()
            .LimitWebhookBody()
            .WithName("DashboardLogin")
            .WithSummary("Logs in with the API key (form field \"key\") into a session cookie")
            .ExcludeFromDescription();
        dashboard.MapPost("/logout", LoginEndpoints.Logout)
            .LimitFailedAuth()
            .WithName("DashboardLogout")
            .WithSummary("Ends the session (X-PhoneBridge-Csrf header required)")
            .ExcludeFromDescription();
        dashboard.MapGet("/session", LoginEndpoints.Session)
            .WithName("DashboardSession")
            .WithSummary("The session's CSRF token, for the X-PhoneBridge-Csrf header")
            .ExcludeFromDescription();

        dashboard.MapGet("/events", CallListEvents.StreamAsync)
            .RequirePhoneBridgeApiKey()
            .WithName("DashboardEvents")
            .WithSummary("The live call list as server-sent events: a snapshot, then deltas")
            .ExcludeFromDescription();
        dashboard.MapGet("/api/calls/{callId}", CallPageEndpoint.Get)
            .RequirePhoneBridgeApiKey()
            .WithName("DashboardCallTimeline")
            .WithSummary("One live or recently ended call with its event timeline")
            .ExcludeFromDescription();

        return dashboard;
    }
}
