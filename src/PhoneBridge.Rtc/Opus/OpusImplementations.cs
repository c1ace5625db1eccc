namespace PhoneBridge.Rtc.Opus;

/// <summary>Turns a configured <see cref="OpusImplementation"/> into the one that will actually run.</summary>
public static class OpusImplementations
{
    private static readonly Lazy<bool> NativeLoads = new(OpusLibrary.TryLoad);

    /// <summary>True when libopus can be loaded in this process (probed once).</summary>
    public static bool IsNativeAvailable => NativeLoads.Value;

    /// <summary>
    /// <see cref="OpusImplementation.Native"/> or <see cref="OpusImplementation.Managed"/>. Auto takes libopus when it
    /// loads: it is the faster of the two (docs/performance.md, "Opus: native libopus vs Concentus").
    /// </summary>
    public static OpusImplementation Resolve(OpusImplementation requested) => requested switch
    {
        OpusImplementation.Auto => IsNativeAvailable ? OpusImplementation.Native : OpusImplementation.Managed,
        OpusImplementation.Native or OpusImplementation.Managed => requested,
        _ => throw new ArgumentOutOfRangeException(nameof(requested), requested, "Auto, Native or Managed."),
    };

    internal static IOpusEncoderBackend CreateEncoder(OpusImplementation implementation, OpusEncoderOptions options) =>
        implementation == OpusImplementation.Native ? new NativeOpusEncoder(options) : new ManagedOpusEncoder(options);

    internal static IOpusDecoderBackend CreateDecoder(OpusImplementation implementation, int sampleRate, int channels) =>
        implementation == OpusImplementation.Native ? new NativeOpusDecoder(sampleRate, channels) : new ManagedOpusDecoder(sampleRate, channels);
}
