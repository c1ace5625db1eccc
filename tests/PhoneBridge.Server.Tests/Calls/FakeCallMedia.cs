using System.Collections.Concurrent;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary>A call's media pipeline as the management API sees it: records hold and DTMF, reports fixed counters.</summary>
internal sealed class FakeCallMedia : ICallMediaControl
{
    public ConcurrentQueue<bool> HeldChanges { get; } = new();

    public ConcurrentQueue<(string Digits, int ToneMs)> Tones { get; } = new();

    /// <summary>What <see cref="PlayDtmf"/> answers: false as a full tone queue.</summary>
    public bool AcceptsTones { get; set; } = true;

    public CallMediaStats Stats { get; set; } = new(500, 480, 3, 20, 4);

    public void SetHeld(bool held) => HeldChanges.Enqueue(held);

    public bool PlayDtmf(string digits, int toneMs)
    {
        if (!AcceptsTones)
        {
            return false;
        }

        Tones.Enqueue((digits, toneMs));
        return true;
    }
}
