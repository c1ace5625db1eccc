namespace PhoneBridge.Rtc.Opus;

/// <summary>An Opus codec call (libopus or Concentus) returned an error code (see <see cref="ErrorCode"/>, negative OPUS_* values).</summary>
public sealed class OpusException : Exception
{
    public OpusException(string operation, int errorCode)
        : base($"{operation} failed: {Describe(errorCode)} ({errorCode})")
    {
        ErrorCode = errorCode;
    }

    public int ErrorCode { get; }

    internal static string Describe(int errorCode) => OpusErrors.Describe(errorCode);
}
