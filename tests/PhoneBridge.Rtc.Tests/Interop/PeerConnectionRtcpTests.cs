using Microsoft.Extensions.Logging.Abstractions;
using PhoneBridge.Rtc.Rtcp;
using PhoneBridge.Rtc.Sdp;
using PhoneBridge.Rtc.Tests.Media;

namespace PhoneBridge.Rtc.Tests.Interop;

[Collection(InteropCollection.Name)]
public class PeerConnectionRtcpTests
{
    [Fact]
    public async Task Sender_reports_cross_both_ways_and_are_remembered_for_the_reception_reports()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var options = PeerConnectionLoopbackTests.LoopbackOptions();
        options.RtcpInterval = TimeSpan.FromSeconds(1);
        await using var a = new PeerConnection(options, NullLoggerFactory.Instance, TimeProvider.System);
        await using var b = new PeerConnection(options, NullLoggerFactory.Instance, TimeProvider.System);
        var trackA = a.AddAudioTrack(MediaDirection.SendRecv, 8000);
        var trackB = b.AddAudioTrack(MediaDirection.SendRecv, 8000);
        await PeerConnectionLoopbackTests.Negotiate(a, b, cts.Token);
        var signal = TestSignal.ToneAndChirp(8000, 2.0);
        using var pump = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var pumps = Task.WhenAll(AudioPump.RunAsync(trackA, signal, pump.Token), AudioPump.RunAsync(trackB, signal, pump.Token));
        var atA = Assert.Single(a.RemoteTracks);
        var atB = Assert.Single(b.RemoteTracks);

        // An SR goes out every second once media flows; each side keeps the middle NTP bits of the last one it got.
        while (atA.LastSenderReportNtp == 0 || atB.LastSenderReportNtp == 0)
        {
            await Task.Delay(50, cts.Token);
        }

        await pump.CancelAsync();
        await pumps;

        var now = RtcpNtpTime.Middle(RtcpNtpTime.FromDateTime(DateTimeOffset.UtcNow));
        Assert.InRange(now - atA.LastSenderReportNtp, 0u, 30u * 65536);
        Assert.InRange(now - atB.LastSenderReportNtp, 0u, 30u * 65536);
        Assert.Equal(0, a.UnprotectFailures + b.UnprotectFailures);
    }
}
