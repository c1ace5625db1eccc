using Microsoft.Extensions.Options;

namespace PhoneBridge.Core.Recording;

/// <summary>
/// Checked at start: a directory is required when every call is recorded, and a configured one must exist or be
/// creatable, so a wrong path stops the host instead of failing every call's recording later.
/// </summary>
internal sealed class RecordingOptionsValidator : IValidateOptions<RecordingOptions>
{
    public ValidateOptionsResult Validate(string? name, RecordingOptions options)
    {
        if (!options.IsAvailable)
        {
            return options.Enabled
                ? ValidateOptionsResult.Fail("PhoneBridge:Recording:Directory is required when PhoneBridge:Recording:Enabled is true.")
                : ValidateOptionsResult.Success;
        }

        try
        {
            System.IO.Directory.CreateDirectory(options.Directory!);
            return ValidateOptionsResult.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return ValidateOptionsResult.Fail($"PhoneBridge:Recording:Directory cannot be created: {e.Message}");
        }
    }
}
