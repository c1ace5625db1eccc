namespace PhoneBridge.Browser;

/// <summary>The browser provider's name, as in its routes, its calls' <c>provider</c> and the logs.</summary>
public static class BrowserProvider
{
    public const string Name = "browser";
}
