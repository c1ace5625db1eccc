using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace PhoneBridge.Core.Bridge.Hold;

/// <summary>
/// Validates <see cref="HoldAudioOptions"/> by decoding the file they name, on start, and keeps what it decoded so
/// that the file is read once: a missing or unreadable file stops the server with a message naming the key and the
/// file, rather than failing the first hold.
/// </summary>
internal sealed class HoldAudioLoader : IValidateOptions<HoldAudioOptions>
{
    private readonly ConcurrentDictionary<string, HoldAudio> _loaded = new(StringComparer.Ordinal);

    public ValidateOptionsResult Validate(string? name, HoldAudioOptions options)
    {
        try
        {
            Get(options);
            return ValidateOptionsResult.Success;
        }
        catch (InvalidDataException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }

    /// <summary>The audio <paramref name="options"/> ask for: the chime when no file is set.</summary>
    public HoldAudio Get(HoldAudioOptions options) =>
        string.IsNullOrWhiteSpace(options.AudioFile) ? HoldAudio.Chime : _loaded.GetOrAdd(options.AudioFile, HoldAudio.Load);
}
