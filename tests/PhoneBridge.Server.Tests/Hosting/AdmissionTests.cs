using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Primitives;
using PhoneBridge.Core.Admission;
using PhoneBridge.Core.Registry;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Testing.Metrics;
using PhoneBridge.Twilio.Webhooks;

namespace PhoneBridge.Server.Tests.Hosting;

/// <summary>
/// Admission control on the real server: at <c>PhoneBridge:Admission:MaxCalls</c> or above
/// <c>MaxCpuPercent</c> (through a settable CPU sampler) a new Twilio call is rejected as busy and never registered,
/// <c>POST /calls</c> answers 503, and each refusal is counted on <c>phonebridge.admission.refused</c>.
/// </summary>
public sealed class AdmissionTests
{
    private const string ApiKey = "admission-api-key";

    private static readonly TwilioRequestValidator Signer = new(ServerFactory.AuthToken);

    [Fact]
    public async Task At_max_calls_a_new_twilio_call_is_rejected_busy_unregistered_counted_and_logged_once()
    {
        await using var factory = new ServerFactory(settings: new Dictionary<string, string?> { ["PhoneBridge:Admission:MaxCalls"] = "1" });
        using var client = factory.CreateClient();
        using var refusals = new CounterRecorder(CallAdmission.RefusedInstrument, factory.Services.GetRequiredService<IMeterFactory>());
        var registry = factory.Services.GetRequiredService<ICallRegistry>();

        var first = await PostVoiceAsync(client, "CA00000000000000000000000000000001");
        Assert.Single(XDocument.Parse(first).Descendants("Stream"));
        Assert.Equal(1, registry.Count);

        var second = await PostVoiceAsync(client, "CA00000000000000000000000000000002");
        var reject = Assert.Single(XDocument.Parse(second).Root!.Elements());
        Assert.Equal("Reject", reject.Name.LocalName);
        Assert.Equal("busy", reject.Attribute("reason")?.Value);
        Assert.Equal(1, registry.Count);

        Assert.Equal(1, refusals.Sum("provider", "twilio", "reason", "calls"));
        Assert.Single(factory.Logs.WithEventId(1900));
    }

    [Fact]
    public async Task Above_max_cpu_twilio_is_rejected_busy_and_post_calls_answers_503_both_counted()
    {
        var cpu = new SettableCpuSampler { Percent = 95 };
        await using var factory = Factory(
            WithApiKeyAndTwilio(("PhoneBridge:Admission:MaxCpuPercent", "80")),
            cpu);
        using var client = factory.CreateClient();
        using var refusals = new CounterRecorder(CallAdmission.RefusedInstrument, factory.Services.GetRequiredService<IMeterFactory>());

        var twiml = await PostVoiceAsync(client, "CA00000000000000000000000000000003");
        Assert.Equal("busy", XDocument.Parse(twiml).Descendants("Reject").Single().Attribute("reason")?.Value);
        Assert.Equal(0, factory.Services.GetRequiredService<ICallRegistry>().Count);

        using var dial = await PostCallsAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, dial.StatusCode);
        Assert.Equal("application/problem+json", dial.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(dial.Headers.RetryAfter);
        using var problem = JsonDocument.Parse(await dial.Content.ReadAsStringAsync());
        Assert.Contains("MaxCpuPercent", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(2, refusals.Sum("provider", "twilio", "reason", "cpu"));
        Assert.Equal(2, factory.Logs.WithEventId(1901).Count());

        // Below the limit again: admitted.
        cpu.Percent = 10;
        var admitted = await PostVoiceAsync(client, "CA00000000000000000000000000000004");
        Assert.Single(XDocument.Parse(admitted).Descendants("Stream"));
    }

    [Fact]
    public async Task At_max_calls_post_calls_answers_503_problem_details()
    {
        await using var factory = Factory(
            WithApiKeyAndTwilio(("PhoneBridge:Admission:MaxCalls", "1")),
            cpu: null);
        using var client = factory.CreateClient();
        using var refusals = new CounterRecorder(CallAdmission.RefusedInstrument, factory.Services.GetRequiredService<IMeterFactory>());
        await PostVoiceAsync(client, "CA00000000000000000000000000000005");

        using var dial = await PostCallsAsync(client);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, dial.StatusCode);
        using var problem = JsonDocument.Parse(await dial.Content.ReadAsStringAsync());
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("MaxCalls", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, refusals.Sum("provider", "twilio", "reason", "calls"));
        Assert.Equal(1, factory.Services.GetRequiredService<ICallRegistry>().Count);
    }

    [Theory]
    [InlineData("/twilio/calls", "twilio", false)]
    [InlineData("/telnyx/calls", "telnyx", false)]
    [InlineData("/browser/calls", "browser", false)]
    [InlineData("/twilio/calls", "twilio", true)]
    [InlineData("/telnyx/calls", "telnyx", true)]
    [InlineData("/browser/calls", "browser", true)]
    public async Task Every_way_of_placing_a_call_is_refused_with_503_at_max_calls_and_while_draining(string path, string provider, bool draining)
    {
        using var telnyxKey = TelnyxWebhookSigner.CreateRandom();
        await using var factory = Factory(
            WithApiKeyAndTwilio(
                ("PhoneBridge:Admission:MaxCalls", "1"),
                ("Telnyx:ApiKey", "KEY-admission"),
                ("Telnyx:PublicKey", telnyxKey.PublicKeyBase64),
                ("Telnyx:ConnectionId", "1234567890"),
                ("Telnyx:ApiBaseUrl", "http://127.0.0.1:9")),
            cpu: null);
        using var client = factory.CreateClient();
        using var refusals = new CounterRecorder(CallAdmission.RefusedInstrument, factory.Services.GetRequiredService<IMeterFactory>());
        if (draining)
        {
            Assert.True(factory.Services.GetRequiredService<CallDrain>().TryBegin());
        }
        else
        {
            await PostVoiceAsync(client, "CA00000000000000000000000000000006");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(new { to = "+15551230000", from = "+15559870000" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(draining ? 0 : 1, factory.Services.GetRequiredService<ICallRegistry>().Count);
        Assert.Equal(draining ? 0 : 1, refusals.Sum("provider", provider, "reason", "calls"));
    }

    [Theory]
    [InlineData("PhoneBridge:Admission:MaxCalls", "0", "PhoneBridge:Admission")]
    [InlineData("PhoneBridge:Admission:MaxCpuPercent", "101", "PhoneBridge:Admission")]
    [InlineData("PhoneBridge:Admission:MaxCpuPercent", "0", "PhoneBridge:Admission")]
    [InlineData("PhoneBridge:Server:DrainTimeout", "00:00:00", "PhoneBridge:Server:DrainTimeout")]
    [InlineData("PhoneBridge:Server:ManagementUrls:0", "not a url", "PhoneBridge:Server:ManagementUrls")]
    public void Invalid_settings_stop_the_start(string key, string value, string named)
    {
        using var factory = new ServerFactory(settings: new Dictionary<string, string?> { [key] = value });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The API key and a Twilio account whose REST API answers nothing (no test here gets as far as calling it), plus <paramref name="more"/>.</summary>
    private static Dictionary<string, string?> WithApiKeyAndTwilio(params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["PhoneBridge:ApiKey"] = ApiKey,
            ["Twilio:AccountSid"] = "AC" + new string('0', 31) + "9",
            ["Twilio:ApiBaseUrl"] = "http://127.0.0.1:9",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static ServerFactory Factory(Dictionary<string, string?> settings, SettableCpuSampler? cpu) =>
        cpu is null ? new ServerFactory(settings: settings) : new CpuServerFactory(settings, cpu);

    private static async Task<string> PostVoiceAsync(HttpClient client, string callSid)
    {
        var form = new Dictionary<string, string>
        {
            ["CallSid"] = callSid,
            ["AccountSid"] = "AC" + new string('0', 32),
            ["From"] = "+15551230000",
            ["To"] = "+15559870000",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/twilio/voice") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add(
            TwilioRequestValidator.SignatureHeader,
            Signer.ComputeSignature("http://localhost/twilio/voice", form.ToDictionary(p => p.Key, p => new StringValues(p.Value))));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<HttpResponseMessage> PostCallsAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/calls")
        {
            Content = JsonContent.Create(new { provider = "twilio", to = "+15551230000", from = "+15559870000" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return await client.SendAsync(request);
    }

    private sealed class SettableCpuSampler : IProcessCpuSampler
    {
        public double? Percent { get; set; }
    }

    private sealed class CpuServerFactory(Dictionary<string, string?> settings, SettableCpuSampler cpu) : ServerFactory(settings: settings)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<IProcessCpuSampler>(cpu)));
        }
    }
}
