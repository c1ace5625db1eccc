namespace PhoneBridge.Core.Calls;

/// <summary>
/// Where a transfer is, as the <c>phone.transfer</c> event names it. The order is the order a transfer moves in;
/// <see cref="Completed"/> and <see cref="Failed"/> end it.
/// </summary>
public enum CallTransferState
{
    /// <summary>Asked for; the provider has not answered yet.</summary>
    Started,

    /// <summary>Warm: the provider accepted to dial the leg, which is ringing.</summary>
    Ringing,

    /// <summary>Warm: the leg's media started; the human is in the edge call.</summary>
    Answered,

    /// <summary>Cold: the provider took the caller over. Warm: the answered leg has ended.</summary>
    Completed,

    /// <summary>The provider refused, or the warm leg ended unanswered.</summary>
    Failed,
}
