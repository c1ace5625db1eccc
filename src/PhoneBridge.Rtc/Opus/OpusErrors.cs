namespace PhoneBridge.Rtc.Opus;

/// <summary>The OPUS_* error codes and their texts, kept here so messages need no native call (libopus may be absent).</summary>
internal static class OpusErrors
{
    public const int BadArg = -1;
    public const int BufferTooSmall = -2;
    public const int InternalError = -3;
    public const int InvalidPacket = -4;

    public static string Describe(int errorCode) => errorCode switch
    {
        0 => "success",
        BadArg => "invalid argument",
        BufferTooSmall => "buffer too small",
        InternalError => "internal error",
        InvalidPacket => "corrupted stream",
        -5 => "request not implemented",
        -6 => "invalid state",
        -7 => "memory allocation failed",
        _ => "unknown error",
    };
}
