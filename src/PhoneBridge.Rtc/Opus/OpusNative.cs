using System.Reflection;
using System.Runtime.InteropServices;

namespace PhoneBridge.Rtc.Opus;

/// <summary>
/// libopus entry points. The ctl functions are C varargs; passing one int (or int*) through a fixed signature is
/// ABI-compatible on x86-64 SysV and Linux arm64, the platforms this server runs on.
/// </summary>
internal static unsafe partial class OpusNative
{
    internal const string LibraryName = "opus";

    static OpusNative() => OpusLibrary.RegisterResolver();

    [LibraryImport(LibraryName, EntryPoint = "opus_encoder_create")]
    internal static partial OpusEncoderHandle EncoderCreate(int sampleRate, int channels, int application, out int error);

    [LibraryImport(LibraryName, EntryPoint = "opus_encoder_destroy")]
    internal static partial void EncoderDestroy(nint encoder);

    [LibraryImport(LibraryName, EntryPoint = "opus_encode")]
    internal static partial int Encode(OpusEncoderHandle encoder, short* pcm, int frameSize, byte* data, int maxDataBytes);

    [LibraryImport(LibraryName, EntryPoint = "opus_encoder_ctl")]
    internal static partial int EncoderCtl(OpusEncoderHandle encoder, int request, int value);

    [LibraryImport(LibraryName, EntryPoint = "opus_encoder_ctl")]
    internal static partial int EncoderCtlGet(OpusEncoderHandle encoder, int request, out int value);

    [LibraryImport(LibraryName, EntryPoint = "opus_decoder_create")]
    internal static partial OpusDecoderHandle DecoderCreate(int sampleRate, int channels, out int error);

    [LibraryImport(LibraryName, EntryPoint = "opus_decoder_destroy")]
    internal static partial void DecoderDestroy(nint decoder);

    [LibraryImport(LibraryName, EntryPoint = "opus_decode")]
    internal static partial int Decode(OpusDecoderHandle decoder, byte* data, int length, short* pcm, int frameSize, int decodeFec);

    [LibraryImport(LibraryName, EntryPoint = "opus_decoder_ctl")]
    internal static partial int DecoderCtl(OpusDecoderHandle decoder, int request, int value);

    [LibraryImport(LibraryName, EntryPoint = "opus_strerror")]
    internal static partial nint StrError(int error);

    [LibraryImport(LibraryName, EntryPoint = "opus_get_version_string")]
    internal static partial nint VersionString();

    internal const int ApplicationVoip = 2048;
    internal const int ApplicationAudio = 2049;
    internal const int SetBitrate = 4002;
    internal const int SetMaxBandwidth = 4004;
    internal const int GetMaxBandwidth = 4005;
    internal const int SetVbr = 4006;
    internal const int SetComplexity = 4010;
    internal const int GetComplexity = 4011;
    internal const int SetInbandFec = 4012;
    internal const int SetPacketLossPerc = 4014;
    internal const int SetDtx = 4016;
    internal const int SetSignal = 4024;
    internal const int GetLookahead = 4027;
    internal const int ResetState = 4028;
    internal const int SignalVoice = 3001;
    internal const int BandwidthNarrowband = 1101;
    internal const int BandwidthWideband = 1103;
    internal const int BandwidthSuperWideband = 1104;
    internal const int BandwidthFullband = 1105;
}

/// <summary>Finds libopus once per process and fails with a message that names the package to install.</summary>
public static class OpusLibrary
{
    /// <summary>Environment variable naming the libopus to load (file name or path) instead of the platform's usual names.</summary>
    public const string LibraryVariable = "PHONEBRIDGE_LIBOPUS";

    private static readonly string[] Candidates =
        Environment.GetEnvironmentVariable(LibraryVariable) is { Length: > 0 } configured ? [configured]
        : OperatingSystem.IsWindows() ? ["opus.dll", "libopus-0.dll"]
        : OperatingSystem.IsMacOS() ? ["libopus.0.dylib", "libopus.dylib"]
        : ["libopus.so.0", "libopus.so"];

    private static readonly Lock Gate = new();
    private static bool _registered;
    private static nint _handle;

    public const string MissingMessage =
        "libopus was not found (tried libopus.so.0). Install the 'libopus0' package (Debian/Ubuntu: apt-get install libopus0).";

    /// <summary>The libopus version string, e.g. "libopus 1.3.1"; throws <see cref="DllNotFoundException"/> when missing.</summary>
    public static string Version
    {
        get
        {
            EnsureLoaded();
            return Marshal.PtrToStringUTF8(OpusNative.VersionString()) ?? "libopus";
        }
    }

    /// <summary>True when libopus loads (no exception when it does not).</summary>
    public static bool TryLoad()
    {
        RegisterResolver();
        return Load() != 0;
    }

    /// <summary>Loads libopus now so a missing library is reported at startup instead of on the first call.</summary>
    public static void EnsureLoaded()
    {
        RegisterResolver();
        if (Load() == 0)
        {
            throw new DllNotFoundException(MissingMessage);
        }
    }

    internal static void RegisterResolver()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            _registered = true;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(OpusLibrary).Assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // Another resolver already owns this assembly; it must then handle "opus" itself.
            }
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != OpusNative.LibraryName)
        {
            return 0;
        }

        var handle = Load();
        return handle != 0 ? handle : throw new DllNotFoundException(MissingMessage);
    }

    private static nint Load()
    {
        lock (Gate)
        {
            if (_handle != 0)
            {
                return _handle;
            }

            foreach (var name in Candidates)
            {
                if (NativeLibrary.TryLoad(name, out var handle))
                {
                    _handle = handle;
                    return handle;
                }
            }

            return 0;
        }
    }
}
