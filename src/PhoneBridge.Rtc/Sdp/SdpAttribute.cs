namespace PhoneBridge.Rtc.Sdp;

/// <summary>One <c>a=</c> line: <c>a=name</c> (flag) or <c>a=name:value</c>. Order is kept so unknown attributes round-trip.</summary>
public readonly record struct SdpAttribute(string Name, string? Value)
{
    public static SdpAttribute Flag(string name) => new(name, null);

    public override string ToString() => Value is null ? Name : $"{Name}:{Value}";

    internal static SdpAttribute Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? new SdpAttribute(text, null)
            : new SdpAttribute(text[..colon], text[(colon + 1)..]);
    }
}
