using System.Net;
using System.Net.Http.Json;
using System.Text;
using PhoneBridge.Core.Calls;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary><c>POST /calls</c>: what is refused, and what reaches the provider's dial.</summary>
public sealed class CallsDialTests
{
    public static TheoryData<string, string> BadDials() => new()
    {
        { """{"provider":"sms","to":"+15551234567","from":"+15557654321"}""", "provider" },
        { """{"provider":"vonage","to":"+15551234567","from":"+15557654321"}""", "provider" },
        { """{"to":"+15551234567","from":"+15557654321"}""", "provider" },
        { """{"provider":"twilio","to":"5551234567","from":"+15557654321"}""", "to" },
        { """{"provider":"twilio","to":"+05551234567","from":"+15557654321"}""", "to" },
        { """{"provider":"twilio","to":"+1555123456789012","from":"+15557654321"}""", "to" },
        { """{"provider":"twilio","to":"sip:nobody","from":"+15557654321"}""", "to" },
        { """{"provider":"twilio","to":"sip:a b@example.com","from":"+15557654321"}""", "to" },
        { """{"provider":"twilio","to":"+15551234567"}""", "from" },
        { """{"provider":"twilio","to":"+15551234567","from":"+15557654321","streamCallId":"has space"}""", "streamCallId" },
        { """{"provider":"twilio","to":"+15551234567","from":"+15557654321","streamCallType":"Default","streamCallId":"x"}""", "streamCallType" },
        { """{"provider":"twilio","to":"+15551234567","from":"+15557654321","streamCallType":"default"}""", "streamCallId" },
        { """{"provider":"twilio","to":"+15551234567","from":"+15557654321","timeoutSeconds":4}""", "timeoutSeconds" },
        { """{"provider":"twilio","to":"+15551234567","from":"+15557654321","timeoutSeconds":601}""", "timeoutSeconds" },
        { """{"provider":"twilio","to":""", "body" },
        { "", "body" },
        { """{"provider":"twilio","to":"+15551234567","from":"+15557654321","timeoutSeconds":"soon"}""", "body" },
    };

    [Theory]
    [MemberData(nameof(BadDials))]
    public async Task Bad_dials_are_400_and_reach_no_provider(string json, string field)
    {
        await using var host = new CallsHost();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        var problem = await ProblemAssert.IsProblem(await host.Client.PostAsync("/calls", content), HttpStatusCode.BadRequest, field);

        Assert.Empty(host.Provider("twilio").Dials);
        Assert.Empty(host.Provider("vonage").Dials);
        Assert.DoesNotContain("1234567", host.Logs.AllText(), StringComparison.Ordinal);
        Assert.Single(host.Logs.WithEventId(1706));
        Assert.NotNull(problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }

    [Fact]
    public async Task Dial_into_a_new_call_is_202_with_its_location()
    {
        await using var host = new CallsHost();

        using var response = await host.PostAsync("/calls", new { provider = "Twilio", to = "+15551234567", from = "+15557654321", machineDetection = true, timeoutSeconds = 30 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<CallDialResponse>();
        Assert.NotNull(body);
        Assert.Equal("/calls/" + body.CallId, response.Headers.Location?.OriginalString);
        var dial = Assert.Single(host.Provider("twilio").Dials);
        Assert.Equal("+15551234567", dial.To);
        Assert.Equal("+15557654321", dial.From);
        Assert.Null(dial.EdgeCall);
        Assert.Null(dial.LinkedCallId);
        Assert.True(dial.MachineDetection);
        Assert.Equal(30, dial.TimeoutSeconds);
        Assert.Equal("http://localhost", dial.PublicBaseUrl.GetLeftPart(UriPartial.Authority));

        Assert.True(host.Directory.TryGet(body.CallId, out var call));
        Assert.Equal(CallDirection.Outbound, call.Direction);
        Assert.Single(host.Logs.WithEventId(1700));
        Assert.DoesNotContain("1234567", host.Logs.AllText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "agent-call-1", "default")]
    [InlineData("livestream", "agent-call-1", "livestream")]
    public async Task Dial_into_a_named_stream_call_joins_it(string? type, string id, string expectedType)
    {
        await using var host = new CallsHost();

        using var response = await host.PostAsync("/calls", new { provider = "telnyx", to = "sip:alice@example.com", from = "+15557654321", streamCallType = type, streamCallId = id });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var dial = Assert.Single(host.Provider("telnyx").Dials);
        Assert.Equal(new EdgeCallAddress(expectedType, id), dial.EdgeCall);
        Assert.False(dial.MachineDetection);
        Assert.Null(dial.TimeoutSeconds);
    }

    [Theory]
    [InlineData(400, "21211")]
    [InlineData(null, null)]
    public async Task A_provider_failure_is_502_with_the_providers_answer(int? status, string? code)
    {
        await using var host = new CallsHost();
        var message = status is null ? null : "The 'To' number is not a valid phone number.";
        host.Provider("twilio").Failure = new FakeProviderException("twilio", status, code, message);

        using var response = await host.PostAsync("/calls", new { provider = "twilio", to = "+15551234567", from = "+15557654321" });

        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadGateway);
        Assert.Equal(status, problem.GetProperty("providerStatus").ValueKind == System.Text.Json.JsonValueKind.Null ? null : problem.GetProperty("providerStatus").GetInt32());
        Assert.Equal(code, problem.GetProperty("providerCode").GetString());
        Assert.Equal(message, problem.GetProperty("providerMessage").GetString());
        Assert.Equal(0, host.Directory.Count);
        Assert.Single(host.Logs.WithEventId(1705));
    }
}
