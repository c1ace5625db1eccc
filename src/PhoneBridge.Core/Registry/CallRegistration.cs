namespace PhoneBridge.Core.Registry;

/// <summary>The answer to a registration: the ids to put in the media URL and when it stops being valid.</summary>
public sealed record CallRegistration(CallInfo Info, string Token, DateTimeOffset ExpiresAt)
{
    public string CallId => Info.CallId;
}
