using Microsoft.AspNetCore.Http;

namespace PhoneBridge.Core.Hosting;

/// <summary>What a failed read of a request body means for the client.</summary>
public static class RequestBodyErrors
{
    /// <summary>
    /// The 4xx status for an exception thrown while reading a request body or form — the server's limit
    /// (<see cref="BadHttpRequestException"/>, 413 for "Request body too large"), a form over the reader's limits or
    /// malformed (<see cref="InvalidDataException"/>), a broken upload (<see cref="IOException"/>) — or null when it
    /// is not the client's doing.
    /// </summary>
    public static int? StatusFor(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest,
        InvalidDataException => StatusCodes.Status400BadRequest,
        IOException => StatusCodes.Status400BadRequest,
        _ => null,
    };
}
