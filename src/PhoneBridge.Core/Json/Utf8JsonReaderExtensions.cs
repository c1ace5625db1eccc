using System.Text.Json;

namespace PhoneBridge.Core.Json;

/// <summary>
/// The steps the providers' hand-written media-message parsers repeat. Each leaves the reader at the depth it found
/// it: a value of an unexpected type is skipped whole, so fields of a nested object are never read as siblings.
/// </summary>
public static class Utf8JsonReaderExtensions
{
    /// <summary>From a property name: its value if it is a string; anything else is skipped and gives null.</summary>
    public static string? ReadStringProperty(this ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    /// <summary>From a property name: skips its value, whatever it is.</summary>
    public static void SkipProperty(this ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    /// <summary>True at the start of an object; any other value is skipped whole and gives false.</summary>
    public static bool EnterObject(this ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return true;
        }

        reader.Skip();
        return false;
    }
}
