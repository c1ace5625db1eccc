using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Integration.Tests.Calls;
using PhoneBridge.Rtc;
using PhoneBridge.Rtc.Sdp;
using PhoneBridge.Testing.Logging;

namespace PhoneBridge.Integration.Tests.Browser;

/// <summary>
/// The real server on loopback with the API key and WebRTC on 127.0.0.1 only (the tests' peers have no other
/// address), and the helpers the browser tests share.
/// </summary>
internal static class BrowserServer
{
    /// <param name="logs">Gets the server's log from Information up, for failure messages.</param>
    public static Task<BridgeServer> StartAsync(IDictionary<string, string?>? more = null, ListLoggerProvider? logs = null)
    {
        var settings = CallsApi.Settings(more);
        settings["PhoneBridge:Rtc:HostAddresses:0"] = "127.0.0.1";
        return BridgeServer.StartAsync(settings: settings, services: logs is null ? null : services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            services.Configure<LoggerFilterOptions>(o => o.MinLevel = LogLevel.Information);
        });
    }

    public static HttpClient Client(BridgeServer server, bool withKey = true)
    {
        var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        if (withKey)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CallsApi.ApiKey);
        }

        return http;
    }

    /// <summary>A peer connection on 127.0.0.1 standing in for a browser, with one track in <paramref name="direction"/>.</summary>
    public static PeerConnection Peer(MediaDirection direction, int rate = 48000)
    {
        var pc = new PeerConnection(new RtcOptions { HostAddresses = ["127.0.0.1"], ConsentTimeout = TimeSpan.FromSeconds(5) }, NullLoggerFactory.Instance, TimeProvider.System)
        {
            DefaultReceiveSampleRate = rate,
        };
        pc.AddAudioTrack(direction, rate, "mic", "page");
        return pc;
    }

    /// <summary>The complete offer of <paramref name="pc"/> (its host candidates gathered).</summary>
    public static async Task<string> OfferAsync(PeerConnection pc)
    {
        var offer = await pc.CreateOfferAsync(CancellationToken.None);
        pc.SetLocalDescription(offer);
        await pc.GatheringComplete;
        return pc.LocalDescription!.Sdp;
    }

    public static Task<HttpResponseMessage> PostOfferAsync(HttpClient http, string path, string sdp) =>
        http.PostAsJsonAsync(path, new { type = "offer", sdp });
}
