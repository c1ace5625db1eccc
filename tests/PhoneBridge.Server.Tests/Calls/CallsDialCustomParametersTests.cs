using System.Net;
using System.Text;

namespace PhoneBridge.Server.Tests.Calls;

/// <summary><c>customParameters</c> on <c>POST /calls</c>: what is refused, and that the rest reaches the provider's dial.</summary>
public sealed class CallsDialCustomParametersTests
{
    private const string Dial = """{"provider":"twilio","to":"+15551234567","from":"+15557654321","customParameters":""";

    public static TheoryData<string> BadParameters() => new()
    {
        """{"callId":"mine"}""",
        """{"has space":"x"}""",
        """{"n":null}""",
        "{\"long\":\"" + new string('x', 496) + "\"}",
        """{"ctl":"a\u0007b"}""",
        "{" + string.Join(',', Enumerable.Range(0, 21).Select(i => $"\"p{i}\":\"v\"")) + "}",
    };

    [Theory]
    [MemberData(nameof(BadParameters))]
    public async Task Parameters_the_providers_cannot_carry_are_400_and_reach_no_provider(string parameters)
    {
        await using var host = new CallsHost();
        using var content = new StringContent(Dial + parameters + "}", Encoding.UTF8, "application/json");

        var problem = await ProblemAssert.IsProblem(await host.Client.PostAsync("/calls", content), HttpStatusCode.BadRequest, "customParameters");

        Assert.Empty(host.Provider("twilio").Dials);
        Assert.DoesNotContain("xxxx", problem.ToString(), StringComparison.Ordinal);
        Assert.Single(host.Logs.WithEventId(1706));
    }

    [Fact]
    public async Task A_value_that_is_not_a_string_is_a_400_for_the_body()
    {
        await using var host = new CallsHost();
        using var content = new StringContent(Dial + """{"n":1}}""", Encoding.UTF8, "application/json");

        await ProblemAssert.IsProblem(await host.Client.PostAsync("/calls", content), HttpStatusCode.BadRequest, "body");
        Assert.Empty(host.Provider("twilio").Dials);
    }

    [Fact]
    public async Task Parameters_reach_the_providers_dial()
    {
        await using var host = new CallsHost();

        using var response = await host.PostAsync("/calls", new
        {
            provider = "twilio", to = "+15551234567", from = "+15557654321",
            customParameters = new Dictionary<string, string> { ["crmId"] = "42", ["lang"] = "de" },
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var dial = Assert.Single(host.Provider("twilio").Dials);
        Assert.Equal(new Dictionary<string, string> { ["crmId"] = "42", ["lang"] = "de" }, dial.CustomParameters);
    }
}
