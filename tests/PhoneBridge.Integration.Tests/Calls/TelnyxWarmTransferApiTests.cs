using System.Net;
using PhoneBridge.Integration.Tests.Bridge;
using PhoneBridge.Simulator.Audio;
using PhoneBridge.Simulator.Pacing;
using PhoneBridge.Simulator.Telnyx;
using Xunit.Abstractions;

namespace PhoneBridge.Integration.Tests.Calls;

/// <summary>
/// A warm transfer of a Telnyx caller through the API: the leg is dialled through the Call Control fake into the
/// caller's Stream call (fake Stream with aiortc media), answers on the media URL of the dial, and the two hear
/// each other.
/// </summary>
public sealed class TelnyxWarmTransferApiTests(ITestOutputHelper output)
{
    private const string TelnyxApiKey = "KEY_calls_warm";
    private const int Rate = 8000;

    [Fact]
    public async Task A_warm_transfer_of_a_telnyx_caller_dials_a_leg_into_its_stream_call_and_they_hear_each_other()
    {
        var callerVoice = AudioQuality.ToneAndChirp(Rate, 2.0);
        var legVoice = AudioQuality.ToneAndFallingChirp(Rate, 2.0);
        using var signer = TelnyxWebhookSigner.CreateRandom();
        await using var telnyx = await FakeCallControlApi.StartAsync(TelnyxApiKey);
        await using var fake = await FakeStream.StartAsync();
        var media = await fake.UseAiortcMediaAsync();
        try
        {
            await using var server = await BridgeServer.StartAsync(settings: CallsApi.Settings(new Dictionary<string, string?>
            {
                ["Telnyx:ApiKey"] = TelnyxApiKey,
                ["Telnyx:PublicKey"] = signer.PublicKeyBase64,
                ["Telnyx:ConnectionId"] = "calls-warm",
                ["Telnyx:Codec"] = "PCMU",
                ["Telnyx:ApiBaseUrl"] = telnyx.BaseUrl.ToString(),
                ["Stream:ApiKey"] = TestOptions.ApiKey,
                ["Stream:ApiSecret"] = TestOptions.ApiSecret,
                ["Stream:BaseUrl"] = fake.BaseUrl.ToString(),
                ["Stream:HealthCheckInterval"] = "00:00:01",
                ["PhoneBridge:Rtc:HostAddresses:0"] = "127.0.0.1",
            }));
            using var api = new CallsApi(server);
            using var http = server.NewHttpClient();
            await using var pacer = new FramePacer(TimeProvider.System);
            var phone = new TelnyxPhone(http, server.BaseUrl, signer, telnyx, TimeProvider.System);

            await using var caller = await phone.RingAsync(CancellationToken.None);
            await FakeStream.WaitUntilAsync(() => !fake.Joins.IsEmpty, "the caller to join the Stream call", 60000);
            await fake.AddAgentAsync(fake.Joins.First().CallCid, "agent", "silent");
            caller.Play([.. Enumerable.Repeat(callerVoice, 30).SelectMany(s => s)], pacer);
            var callerId = CallsApi.CallId(await api.WaitForCallAsync(
                c => c.GetProperty("providerCallId").GetString() == caller.CallControlId && CallsApi.State(c) == "answered", "the caller to be answered"));

            var answer = await api.PostAsync($"calls/{callerId}/transfer", new { to = "+15550003333", mode = "warm" });
            Assert.True(answer.Status == HttpStatusCode.Accepted, answer.ToString());
            var legId = answer.Body.GetProperty("legCallId").GetString()!;
            var dial = Assert.Single(telnyx.Accepted, c => c.Action == "dial");
            Assert.Equal(("+15550003333", phone.To), (dial.String("to"), dial.String("from")));
            var streamUrl = new Uri(dial.String("stream_url")!);
            Assert.Contains(legId, streamUrl.AbsolutePath, StringComparison.Ordinal);

            var direct = new UriBuilder(server.BaseUrl) { Scheme = "ws", Path = streamUrl.AbsolutePath }.Uri;
            await using var leg = await TelnyxMediaCall.ConnectAsync(direct, dial.CallControlId, dial.String("stream_bidirectional_codec") ?? "PCMU", TimeProvider.System, CancellationToken.None);
            leg.Play([.. Enumerable.Repeat(legVoice, 30).SelectMany(s => s)], pacer);
            await FakeStream.WaitUntilAsync(() => fake.Joins.Count(j => j.UserId != "agent") == 2, "the leg to join the Stream call", 60000);
            Assert.Single(fake.Joins.Where(j => j.UserId != "agent").Select(j => j.CallCid).Distinct());

            var (callerHears, legHears) = (default(AudioQuality.Measurement), default(AudioQuality.Measurement));
            for (var window = 0; window < 4 && !(AudioQuality.IsGood(callerHears) && AudioQuality.IsGood(legHears)); window++)
            {
                var (callerStart, legStart) = (caller.Recording().Length, leg.Recording().Length);
                await FakeStream.WaitUntilAsync(() => caller.Recording().Length >= callerStart + (Rate * 7 / 2)
                    && leg.Recording().Length >= legStart + (Rate * 7 / 2), "3.5 s heard by each phone", 60000);
                callerHears = AudioQuality.Measure(caller.Recording()[(callerStart + (Rate / 2))..(callerStart + (Rate * 7 / 2))], legVoice, Rate);
                legHears = AudioQuality.Measure(leg.Recording()[(legStart + (Rate / 2))..(legStart + (Rate * 7 / 2))], callerVoice, Rate);
                output.WriteLine($"leg → caller: {callerHears}; caller → leg: {legHears}");
            }

            Assert.True(AudioQuality.IsGood(callerHears), "leg → caller: " + callerHears);
            Assert.True(AudioQuality.IsGood(legHears), "caller → leg: " + legHears);
            await api.WaitForCallAsync(callerId, c => c.GetProperty("transfer").GetProperty("state").GetString() == "answered", "the transfer to be answered");
        }
        catch (Exception)
        {
            output.WriteLine("sfu_media.py stderr:\n" + media.Stderr);
            throw;
        }
    }
}
