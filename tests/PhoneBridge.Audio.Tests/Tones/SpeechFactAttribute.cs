namespace PhoneBridge.Audio.Tests.Tones;

/// <summary>A fact that needs espeak-ng and sox; skipped, saying so, only when they are not installed.</summary>
internal sealed class SpeechFactAttribute : FactAttribute
{
    public SpeechFactAttribute()
    {
        if (!Speech.IsInstalled)
        {
            Skip = "espeak-ng or sox is not installed (./test.sh installs both)";
        }
    }
}
