namespace PhoneBridge.Rtc.Opus;

/// <summary>Which Opus codec does the work (<c>PhoneBridge:Rtc:OpusImplementation</c>).</summary>
public enum OpusImplementation
{
    /// <summary>Native libopus when it loads, otherwise Concentus (managed).</summary>
    Auto,

    /// <summary>libopus through P/Invoke; fails at start when the library is missing.</summary>
    Native,

    /// <summary>Concentus, a C# port of libopus: runs anywhere .NET does, nothing to install.</summary>
    Managed,
}
