namespace PhoneBridge.Rtc.Sdp;

/// <summary>A non-attribute line (<c>c=</c>, <c>b=</c>, <c>t=</c>, <c>i=</c>, ...) kept verbatim in document order.</summary>
public readonly record struct SdpLine(char Type, string Value)
{
    public override string ToString() => $"{Type}={Value}";
}
