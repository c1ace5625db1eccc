namespace PhoneBridge.Core.Registry;

/// <summary>What is known of a registered call. <see cref="From"/> and <see cref="To"/> are never logged.</summary>
public sealed record CallInfo(
    string CallId,
    string Provider,
    string? ProviderCallId,
    string? From,
    string? To,
    DateTimeOffset RegisteredAt);
