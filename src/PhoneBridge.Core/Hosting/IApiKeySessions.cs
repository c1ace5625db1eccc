using Microsoft.AspNetCore.Http;

namespace PhoneBridge.Core.Hosting;

/// <summary>
/// Sessions that stand in for the API key on every <see cref="ApiKeyFilterExtensions.RequirePhoneBridgeApiKey{TBuilder}"/>
/// endpoint: a person logged in with the key (the dashboard's cookie). The filter asks each registered one when the
/// request has no valid <c>Authorization: Bearer</c> key.
/// </summary>
public interface IApiKeySessions
{
    /// <summary>
    /// Whether <paramref name="context"/> carries a valid session; for an <paramref name="unsafeMethod"/> (POST, PUT,
    /// PATCH, DELETE) it must also carry the session's CSRF token, or the answer is <see cref="ApiKeySessionCheck.CsrfRefused"/>.
    /// </summary>
    ApiKeySessionCheck Check(HttpContext context, bool unsafeMethod);
}

/// <summary>What <see cref="IApiKeySessions.Check"/> found.</summary>
public enum ApiKeySessionCheck
{
    /// <summary>No session (none presented, unknown or expired).</summary>
    None,

    /// <summary>A valid session, with its CSRF token when the method needs one.</summary>
    Valid,

    /// <summary>A valid session, but an unsafe method without its CSRF token or with a wrong one.</summary>
    CsrfRefused,
}
