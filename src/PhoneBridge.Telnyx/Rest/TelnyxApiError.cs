namespace PhoneBridge.Telnyx.Rest;

/// <summary>One entry of a Telnyx <c>errors[]</c> array.</summary>
/// <param name="Code">Telnyx error code as sent (e.g. <c>90018</c>, "call has already ended").</param>
/// <param name="Title">Short title.</param>
/// <param name="Detail">Longer text; may quote request values, so it is kept out of logs.</param>
public sealed record TelnyxApiError(string? Code, string? Title, string? Detail);
