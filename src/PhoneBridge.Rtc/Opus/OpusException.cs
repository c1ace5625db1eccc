using System.Runtime.InteropServices;

namespace PhoneBridge.Rtc.Opus;

/// <summary>A libopus call returned an error code (see <see cref="ErrorCode"/>, negative OPUS_* values).</summary>
public sealed class OpusException : Exception
{
    public OpusException(string operation, int errorCode)
        : base($"{operation} failed: {Describe(errorCode)} ({errorCode})")
    {
        ErrorCode = errorCode;
    }

    public int ErrorCode { get; }

    internal static string Describe(int errorCode) =>
        Marshal.PtrToStringUTF8(OpusNative.StrError(errorCode)) ?? "unknown error";
}
