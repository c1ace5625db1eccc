using System.Net;
using System.Text.Json;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary>Checks an answer is an RFC 7807 problem with the expected status (and, for 400, the fields named).</summary>
internal static class ProblemAssert
{
    public static async Task<JsonElement> IsProblem(HttpResponseMessage response, HttpStatusCode status, params string[] invalidFields)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        if (invalidFields.Length > 0)
        {
            var errors = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal);
            Assert.Equal(invalidFields.Order(StringComparer.Ordinal), errors);
        }

        return problem;
    }
}
