namespace PhoneBridge.Core.Cluster;

/// <summary>
/// The answer of the instance that ran a <see cref="CallCommand"/>, exactly as it would have answered the request
/// itself: status, content type, <c>Location</c> and body (JSON or problem details), passed back unchanged.
/// </summary>
public sealed record CallCommandReply(int Status, string? ContentType = null, string? Location = null, string? Body = null)
{
    /// <summary>Whether the owner acted (2xx).</summary>
    public bool IsSuccess => Status is >= 200 and < 300;
}
