using System.Net;

namespace PhoneBridge.Integration.Tests.Cluster;

/// <summary>
/// Twilio's status callback for a ringing call placed at instance A that lands on instance B: B verifies it and
/// forwards the status, and A, which holds the call's registration, ends it with Twilio's reason.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterStatusCallbackTests
{
    [Fact]
    public async Task Busy_delivered_to_B_ends_the_call_A_placed()
    {
        await using var rig = await ClusterRig.StartAsync();
        using var atA = new ClusterApi(rig.A.Url);
        using var atB = new ClusterApi(rig.B.Url);

        var placed = await atA.PostAsync("calls", new { provider = "twilio", to = "+15550002222", from = "+15005550006" });
        Assert.True(placed.Status == HttpStatusCode.Accepted, placed.ToString());
        var callId = placed.Body.GetProperty("callId").GetString()!;
        var callSid = Assert.Single(rig.Twilio.StatusCallbacks.Keys);
        Assert.Equal(new Uri(ClusterRig.NominalPublicUrl, "twilio/status"), rig.Twilio.StatusCallbacks[callSid].Url);
        Assert.Equal("ringing", (await atA.GetAsync("calls/" + callId)).Body.GetProperty("state").GetString());

        Assert.Equal(HttpStatusCode.NoContent, await rig.Twilio.SendStatusCallbackAsync(callSid, "busy", deliverTo: rig.B.Url));

        Assert.Equal(HttpStatusCode.NotFound, (await atA.GetAsync("calls/" + callId)).Status);
        var listedAtB = await atB.GetAsync("calls");
        Assert.True(listedAtB.Status == HttpStatusCode.OK, listedAtB.ToString());
        Assert.DoesNotContain(listedAtB.Body.EnumerateArray(), c => c.GetProperty("callId").GetString() == callId);
    }
}
