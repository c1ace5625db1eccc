using System.Text;
using Microsoft.AspNetCore.Http;

namespace PhoneBridge.Core.Cluster;

/// <summary>Writes the owner's answer to the client as the owner gave it.</summary>
public sealed class ForwardedResult(CallCommandReply reply) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => reply.Status;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = reply.Status;
        if (reply.Location is { } location)
        {
            response.Headers.Location = location;
        }

        if (reply.Body is { } body)
        {
            response.ContentType = reply.ContentType ?? "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
