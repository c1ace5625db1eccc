using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Core.Registry;
using PhoneBridge.Simulator.Telnyx;
using PhoneBridge.Telnyx.Calls;
using PhoneBridge.Telnyx.Tests.Hosting;

namespace PhoneBridge.Telnyx.Tests.Metadata;

/// <summary>Custom parameters through <c>client_state</c>, and STIR/SHAKEN, from the webhook and onto the dial.</summary>
public sealed class TelnyxCallMetadataTests
{
    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Client_state_decodes_to_our_json_parameters_or_to_its_text()
    {
        var encoded = TelnyxClientState.Encode(new Dictionary<string, string> { ["ticket"] = "T-9", ["tier"] = "gold" });

        Assert.Equal(new Dictionary<string, string> { ["ticket"] = "T-9", ["tier"] = "gold" }, TelnyxClientState.Decode(encoded));
        Assert.Equal(new Dictionary<string, string> { ["client_state"] = "have a nice day" }, TelnyxClientState.Decode(Base64("have a nice day")));
        Assert.Equal(new Dictionary<string, string> { ["client_state"] = "[1,2]" }, TelnyxClientState.Decode(Base64("[1,2]")));
        Assert.Null(TelnyxClientState.Decode("not base64!"));
        Assert.Null(TelnyxClientState.Decode(Base64("line\nbreak")));
        Assert.Null(TelnyxClientState.Decode(null));
        Assert.Null(TelnyxClientState.Encode(null));
        Assert.Null(TelnyxClientState.Encode(new Dictionary<string, string>()));
    }

    [Theory]
    [InlineData("A", true, "TN-Validation-Passed-A")]
    [InlineData("b", false, "TN-Validation-Failed-B")]
    [InlineData(null, false, "No-TN-Validation")]
    [InlineData("C", null, null)]
    [InlineData(null, null, null)]
    [InlineData("Z", true, null)]
    public void Stir_shaken_fields_read_as_twilios_verstat(string? attestation, bool? validated, string? verstat) =>
        Assert.Equal(verstat, TelnyxClientState.StirVerstat(attestation, validated));

    [Fact]
    public async Task An_incoming_call_registers_its_decoded_client_state_and_verstat()
    {
        await using var host = await TelnyxTestHost.StartAsync();
        var body = TelnyxWebhookBodies.Event("call.initiated", "ev-1", host.Time.GetUtcNow(), new Dictionary<string, object?>
        {
            ["call_control_id"] = "v3:meta",
            ["direction"] = "incoming",
            ["from"] = "+15551230000",
            ["to"] = "+15559870000",
            ["state"] = "parked",
            ["client_state"] = Base64("""{"ticket":"T-9"}"""),
            ["shaken_stir_attestation"] = "B",
            ["shaken_stir_validated"] = "true",
        });

        using var response = await host.PostWebhookAsync(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await host.Api.NextAsync();
        using var json = JsonDocument.Parse(answer.Body);
        var segments = new Uri(json.RootElement.GetProperty("stream_url").GetString()!).AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ClaimResult.Claimed, host.Registry.TryClaim(segments[2], Uri.UnescapeDataString(segments[3]), out var claimed));
        Assert.Equal(new Dictionary<string, string> { ["ticket"] = "T-9" }, claimed!.Info.CustomParameters);
        Assert.Equal("TN-Validation-Passed-B", claimed.Info.StirVerstat);
    }

    [Fact]
    public async Task A_dialled_call_carries_its_custom_parameters_as_client_state()
    {
        await using var host = await TelnyxTestHost.StartAsync();
        host.Api.Respond(HttpStatusCode.OK, """{"data":{"call_control_id":"v3:out","call_leg_id":"l","call_session_id":"s"}}""");
        var calls = host.App.Services.GetRequiredService<TelnyxOutboundCalls>();
        var parameters = new Dictionary<string, string> { ["crmId"] = "42" };

        var call = await calls.PlaceCallAsync(
            new PhoneDialRequest("+15559870000", "+15551230000", new Uri(TelnyxTestHost.PublicUrl), CustomParameters: parameters), CancellationToken.None);

        using var json = JsonDocument.Parse(Assert.Single(host.Api.Requests).Body);
        Assert.Equal(parameters, TelnyxClientState.Decode(json.RootElement.GetProperty("client_state").GetString()));
        var segments = new Uri(json.RootElement.GetProperty("stream_url").GetString()!).AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(call.CallId, segments[2]);
        Assert.Equal(ClaimResult.Claimed, host.Registry.TryClaim(segments[2], Uri.UnescapeDataString(segments[3]), out var registered));
        Assert.Equal(parameters, registered!.Info.CustomParameters);
    }
}
