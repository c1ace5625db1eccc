using Microsoft.Playwright;

namespace PhoneBridge.Testing.Browser;

/// <summary>
/// The system Chromium (Debian's <c>chromium</c> package) driven through Playwright, for tests that open the
/// dashboard or make WebRTC calls from a page. With <see cref="LaunchAsync(string?)"/> given a WAV file, the page's
/// microphone plays that file in a loop (Chromium's fake capture device) and permission prompts are granted.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>Starts Chromium; <paramref name="fakeMicrophoneWav"/> (16-bit PCM WAV) becomes the microphone when given.</summary>
    public static async Task<HeadlessChromium> LaunchAsync(string? fakeMicrophoneWav = null)
    {
        var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Arguments(fakeMicrophoneWav),
            }).ConfigureAwait(false);
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loopback WebRTC without mDNS-hidden host candidates (the tests' peers only see 127.0.0.1), audio that plays
    /// without a user gesture, and nothing that reaches out to the network on its own.
    /// </summary>
    public static string[] Arguments(string? fakeMicrophoneWav)
    {
        List<string> args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--allow-loopback-in-peer-connection",
            "--disable-features=WebRtcHideLocalIpsWithMdns", "--autoplay-policy=no-user-gesture-required",
        ];
        if (fakeMicrophoneWav is not null)
        {
            args.Add("--use-fake-ui-for-media-stream");
            args.Add("--use-fake-device-for-media-stream");
            args.Add($"--use-file-for-fake-audio-capture={fakeMicrophoneWav}");
        }

        return [.. args];
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync().ConfigureAwait(false);
        _playwright.Dispose();
    }
}
