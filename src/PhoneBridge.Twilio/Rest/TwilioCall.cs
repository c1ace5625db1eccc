namespace PhoneBridge.Twilio.Rest;

/// <summary>A call resource as Twilio returned it.</summary>
/// <param name="Sid">Call SID (<c>CA…</c>).</param>
/// <param name="Status"><c>queued</c>, <c>ringing</c>, <c>in-progress</c>, <c>completed</c>, …</param>
public sealed record TwilioCall(string Sid, string? Status);
