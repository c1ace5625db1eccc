using PhoneBridge.Core.Phone;

namespace PhoneBridge.Core.Bridge.Pipeline;

/// <summary>
/// Last stage towards the caller: hands frames to the provider's media stream, which encodes them (G.711 or L16)
/// and queues them for its paced sender.
/// </summary>
internal sealed class PhonePlayout(IPhoneMediaStream phone) : AudioStage
{
    public override string Name => "phone-playout";

    public override void OnFrame(ReadOnlySpan<short> frame) => phone.OnFrame(frame);
}
