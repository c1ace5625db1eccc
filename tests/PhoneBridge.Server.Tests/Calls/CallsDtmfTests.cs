using System.Net;
using System.Text;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary><c>POST /calls/{callId}/dtmf</c>: through the provider when it can, else in-band tones into the call's media.</summary>
public sealed class CallsDtmfTests
{
    public static TheoryData<string, string> BadBodies() => new()
    {
        { """{"digits":"12x"}""", "digits" },
        { """{"digits":"12 3"}""", "digits" },
        { """{"digits":"abc"}""", "digits" },
        { """{"digits":"1\n"}""", "digits" },
        { """{"digits":""}""", "digits" },
        { """{}""", "digits" },
        { "{\"digits\":\"" + new string('1', 65) + "\"}", "digits" },
        { """{"digits":"123","toneMs":49}""", "toneMs" },
        { """{"digits":"123","toneMs":1001}""", "toneMs" },
        { """{"digits":"12x","toneMs":0}""", "digits,toneMs" },
        { """{"digits":"123","toneMs":"long"}""", "body" },
        { """not json""", "body" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_digits_or_tone_lengths_are_400(string json, string fields)
    {
        await using var host = new CallsHost();
        var call = host.Incoming();
        var media = new FakeCallMedia();
        call.AttachMedia(media);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        await ProblemAssert.IsProblem(await host.Client.PostAsync($"/calls/{call.CallId}/dtmf", content), HttpStatusCode.BadRequest, fields.Split(','));

        Assert.Empty(media.Tones);
        Assert.Single(host.Logs.WithEventId(1706));
    }

    [Fact]
    public async Task Unknown_call_is_404()
    {
        await using var host = new CallsHost();
        await ProblemAssert.IsProblem(await host.PostAsync("/calls/no-such-call/dtmf", new { digits = "1" }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task In_band_tones_need_the_media_and_room_in_its_queue()
    {
        await using var host = new CallsHost();
        var call = host.Incoming(provider: "twilio");

        await ProblemAssert.IsProblem(await host.PostAsync($"/calls/{call.CallId}/dtmf", new { digits = "159#" }), HttpStatusCode.Conflict);

        var media = new FakeCallMedia();
        call.AttachMedia(media);
        using (var ok = await host.PostAsync($"/calls/{call.CallId}/dtmf", new { digits = "159#" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        }

        using (var longer = await host.PostAsync($"/calls/{call.CallId}/dtmf", new { digits = "*0ABCD", toneMs = 250 }))
        {
            Assert.Equal(HttpStatusCode.Accepted, longer.StatusCode);
        }

        Assert.Equal([("159#", 100), ("*0ABCD", 250)], media.Tones);
        Assert.Empty(host.Provider("twilio").Dtmf);

        media.AcceptsTones = false;
        await ProblemAssert.IsProblem(await host.PostAsync($"/calls/{call.CallId}/dtmf", new { digits = "1" }), HttpStatusCode.TooManyRequests);
        Assert.Equal(2, host.Logs.WithEventId(1703).Count);
        Assert.DoesNotContain("159#", host.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_that_sends_dtmf_gets_the_digits()
    {
        await using var host = new CallsHost();
        var call = host.Incoming(provider: "telnyx");
        var media = new FakeCallMedia();
        call.AttachMedia(media);

        using var response = await host.PostAsync($"/calls/{call.CallId}/dtmf", new { digits = "0123456789*#ABCD", toneMs = 50 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal((call.CallId, "0123456789*#ABCD", 50), Assert.Single(host.Provider("telnyx").Dtmf));
        Assert.Empty(media.Tones);

        host.Provider("telnyx").Failure = new FakeProviderException("telnyx", 422, "90018", "Call has already ended");
        var problem = await ProblemAssert.IsProblem(await host.PostAsync($"/calls/{call.CallId}/dtmf", new { digits = "1" }), HttpStatusCode.BadGateway);
        Assert.Equal("90018", problem.GetProperty("providerCode").GetString());
        Assert.True(host.Directory.TryGet(call.CallId, out _));
    }
}
