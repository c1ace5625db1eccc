using System.Text.Json;

namespace PhoneBridge.Core.Cluster;

/// <summary>Answers a router gives itself when the owner could not answer (bus down, full, too slow).</summary>
public static class CallCommandReplies
{
    public const string ProblemContentType = "application/problem+json";

    /// <summary>A problem-details answer (RFC 9457) with <paramref name="status"/>, the shape every other refusal has.</summary>
    public static CallCommandReply Problem(int status, string title, string detail) =>
        new(status, ProblemContentType, null, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = status == 504 ? "https://tools.ietf.org/html/rfc9110#section-15.6.5" : "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        }));
}
