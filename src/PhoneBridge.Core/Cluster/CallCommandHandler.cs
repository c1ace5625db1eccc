using Microsoft.AspNetCore.Http;

namespace PhoneBridge.Core.Cluster;

/// <summary>
/// How this instance runs one action of <see cref="CallCommand"/>: the same handler the HTTP endpoint calls, given a
/// request context whose services, body and public base URL come from the command.
/// </summary>
public sealed record CallCommandHandler(string Action, Func<CallCommand, HttpContext, Task<IResult>> Handle);
