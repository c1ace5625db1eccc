namespace PhoneBridge.Rtc.Sdp;

/// <summary>Ordered attribute list shared by session and media level, with typed lookups by name.</summary>
public class SdpAttributeList
{
    private readonly List<SdpAttribute> _attributes = [];

    public IReadOnlyList<SdpAttribute> Attributes => _attributes;

    public void Add(SdpAttribute attribute) => _attributes.Add(attribute);

    public void Add(string name, string? value = null) => _attributes.Add(new SdpAttribute(name, value));

    public bool Has(string name)
    {
        foreach (var a in _attributes)
        {
            if (string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public string? Get(string name)
    {
        foreach (var a in _attributes)
        {
            if (string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return a.Value ?? string.Empty;
            }
        }

        return null;
    }

    public IEnumerable<string> GetAll(string name)
    {
        foreach (var a in _attributes)
        {
            if (string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                yield return a.Value ?? string.Empty;
            }
        }
    }

    /// <summary>Replaces the first attribute with this name (keeping its position) or appends it; removes later duplicates.</summary>
    public void Set(string name, string? value)
    {
        var index = _attributes.FindIndex(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            _attributes.Add(new SdpAttribute(name, value));
            return;
        }

        _attributes[index] = new SdpAttribute(name, value);
        for (var i = _attributes.Count - 1; i > index; i--)
        {
            if (string.Equals(_attributes[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                _attributes.RemoveAt(i);
            }
        }
    }

    public int RemoveAll(string name) =>
        _attributes.RemoveAll(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    public string? IceUfrag => Get("ice-ufrag");

    public string? IcePassword => Get("ice-pwd");

    public SdpFingerprint? Fingerprint
    {
        get
        {
            foreach (var value in GetAll("fingerprint"))
            {
                if (SdpFingerprint.TryParse(value, out var fp))
                {
                    return fp;
                }
            }

            return null;
        }
    }

    public SdpSetupRole? Setup => Get("setup") is { } v ? SdpSetupRoleExtensions.Parse(v) : null;
}
