using Microsoft.Playwright;

namespace PhoneBridge.Integration.Tests.Browser;

/// <summary>
/// A page on the server's origin (served by Playwright, not the server) that imports the two modules the server serves,
/// as the dashboard does, and records what its audio element plays: 48 kHz from WebAudio, box-decimated to 8 kHz for
/// the tests to correlate. The element is muted (nothing to play on a test machine), and the microphone is taken
/// without the browser's voice processing, so what is compared is what the bridge carried.
/// </summary>
internal static class TestPage
{
    public const string Path = "/browser-test-page.html";

    private const string Html = """
        <!doctype html>
        <html>
        <head><meta charset="utf-8"><title>PhoneBridge browser test page</title></head>
        <body>
        <audio id="heard" muted></audio>
        <script>
        // The fake microphone straight, without the browser's voice processing (noise suppression, gain control, echo
        // cancelling), which would reshape the known sentence before it reaches the bridge; the module asks for the
        // defaults, as a page for people should.
        const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = constraints => getUserMedia(constraints && constraints.audio
          ? { ...constraints, audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } }
          : constraints);
        </script>
        <script type="module">
        import { callAgent } from '/browser/phone.js';
        import { listen } from '/browser/listen.js';
        const DECIMATE = 6;
        let ctx, recorded = [], acc = 0, accCount = 0, call = null, session = null;
        window.endedReason = null;
        const audio = document.getElementById('heard');

        async function record(stream) {
          ctx = ctx || new AudioContext({ sampleRate: 48000 });
          await ctx.resume();
          const source = ctx.createMediaStreamSource(stream), p = ctx.createScriptProcessor(4096, 1, 1);
          p.onaudioprocess = ev => {
            const x = ev.inputBuffer.getChannelData(0);
            for (let i = 0; i < x.length; i++) {
              acc += x[i];
              if (++accCount === DECIMATE) { recorded.push(Math.round(acc / DECIMATE * 32767)); acc = 0; accCount = 0; }
            }
          };
          source.connect(p); p.connect(ctx.destination);
        }

        window.startCall = async key => {
          call = await callAgent({ audio, headers: { Authorization: 'Bearer ' + key } });
          call.ended.then(reason => { window.endedReason = reason; });
          await record(audio.srcObject);
          return call.callId;
        };
        window.hangUp = () => call.hangUp();
        window.startListening = async (callId, key) => {
          session = await listen(callId, { audio, headers: { Authorization: 'Bearer ' + key } });
          await record(audio.srcObject);
        };
        window.stopListening = () => session.close();
        window.recordedCount = () => recorded.length;
        window.takeRecorded = () => recorded.splice(0);
        window.ready = true;
        </script>
        </body>
        </html>
        """;

    public static async Task<IPage> OpenAsync(IBrowserContext context, Uri server)
    {
        var page = await context.NewPageAsync();
        var url = new Uri(server, Path).ToString();
        await page.RouteAsync(url, route => route.FulfillAsync(new RouteFulfillOptions { Body = Html, ContentType = "text/html" }));
        await page.GotoAsync(url);
        await page.WaitForFunctionAsync("() => window.ready === true");
        return page;
    }

    /// <summary>Waits until the page recorded <paramref name="samples"/> at 8 kHz after what it had, and returns them.</summary>
    public static async Task<short[]> RecordAsync(IPage page, int samples, TimeSpan within)
    {
        await page.EvaluateAsync("() => window.takeRecorded()");
        var deadline = DateTime.UtcNow + within;
        while (await page.EvaluateAsync<int>("() => window.recordedCount()") < samples)
        {
            Assert.True(DateTime.UtcNow < deadline, "the page did not record enough audio");
            await Task.Delay(200);
        }

        var recorded = await page.EvaluateAsync<int[]>("() => window.takeRecorded()");
        return [.. recorded.Select(s => (short)Math.Clamp(s, short.MinValue, short.MaxValue))];
    }
}
