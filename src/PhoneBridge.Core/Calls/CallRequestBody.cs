using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Core.Calls;

/// <summary>
/// Reads a management request's JSON body. The handlers read it themselves, instead of binding a parameter, so a
/// missing or malformed body is a problem-details 400 naming what is wrong like every other refusal, not the
/// framework's empty 400.
/// </summary>
internal static class CallRequestBody
{
    public static async Task<(T? Body, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, options, cancellationToken).ConfigureAwait(false);
            return body is null ? (null, Invalid("A JSON object is required.")) : (body, null);
        }
        catch (JsonException e)
        {
            // The path names the field; the message could quote the input, so it stays out.
            return (null, Invalid(e.Path is { Length: > 1 } path
                ? $"Not valid JSON for this request at {path}."
                : "A JSON object is required."));
        }
    }

    private static ValidationProblem Invalid(string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [message] });
}
