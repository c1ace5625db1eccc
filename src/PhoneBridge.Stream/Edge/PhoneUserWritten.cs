using PhoneBridge.Core.Registry;

namespace PhoneBridge.Stream.Edge;

/// <summary>What the join wrote on the phone user: the call it described and the name it gave.</summary>
internal sealed record PhoneUserWritten(CallInfo Call, string DisplayName);
