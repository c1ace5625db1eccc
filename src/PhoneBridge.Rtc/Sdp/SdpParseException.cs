namespace PhoneBridge.Rtc.Sdp;

/// <summary>The SDP text is not valid enough to negotiate from; <see cref="LineNumber"/> is 1-based (0 = whole document).</summary>
public sealed class SdpParseException : FormatException
{
    public SdpParseException(string message, int lineNumber)
        : base(lineNumber > 0 ? $"SDP line {lineNumber}: {message}" : $"SDP: {message}")
    {
        LineNumber = lineNumber;
    }

    public int LineNumber { get; }
}
