using Microsoft.Extensions.DependencyInjection;
using PhoneBridge.Core.Calls;
using PhoneBridge.Telnyx.Calls;

namespace PhoneBridge.Telnyx.Tests.EndToEnd;

/// <summary>
/// Call control of a live incoming call over loopback: the simulated phone rings, the bridge answers and streams, and
/// <see cref="TelnyxCallControl"/> sends DTMF, transfers and hangs up through the simulator's Call Control fake,
/// which checks each command as Telnyx documents it.
/// </summary>
public sealed class TelnyxCallControlEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DtmfTransferAndHangupReachTelnyxForTheLiveCall()
    {
        await using var host = await TelnyxBridgeHost.StartAsync("PCMU");
        await using var call = await host.Phone.RingAsync(CancellationToken.None);
        var control = Assert.IsType<TelnyxCallControl>(
            host.App.Services.GetServices<IPhoneCallControl>().Single(c => c.Provider == "telnyx"));
        var live = Assert.Single(host.App.Services.GetRequiredService<CallDirectory>().Calls);
        Assert.Equal(call.CallControlId, live.ProviderCallId);

        await control.SendDtmfAsync(live, "159#", 100, CancellationToken.None);
        var dtmf = await host.Api.WaitForAsync("send_dtmf", call.CallControlId, Timeout);
        Assert.Equal("159#", dtmf.String("digits"));
        Assert.Equal(100, dtmf.Body.GetProperty("duration_millis").GetInt32());
        Assert.False(string.IsNullOrEmpty(dtmf.String("command_id")));

        await control.TransferAsync(live, "sip:desk@pbx.example.com", from: null, CancellationToken.None);
        var transfer = await host.Api.WaitForAsync("transfer", call.CallControlId, Timeout);
        Assert.Equal("sip:desk@pbx.example.com", transfer.String("to"));
        Assert.Equal(host.Phone.To, transfer.String("from"));
        Assert.NotEqual(dtmf.String("command_id"), transfer.String("command_id"));

        await control.HangUpAsync(live, CancellationToken.None);
        await host.Api.WaitForAsync("hangup", call.CallControlId, Timeout);
        Assert.False(host.Api.IsLive(call.CallControlId));
        await call.WaitClosedAsync(Timeout, CancellationToken.None);

        // Telnyx now says the call has ended: hanging up again is still done, anything else is Telnyx's error.
        await control.HangUpAsync(live, CancellationToken.None);
        var error = await Assert.ThrowsAnyAsync<PhoneProviderException>(
            () => control.SendDtmfAsync(live, "1", 100, CancellationToken.None));
        Assert.Equal(("telnyx", 422, "90018"), (error.Provider, error.ProviderStatus, error.ProviderCode));
    }
}
