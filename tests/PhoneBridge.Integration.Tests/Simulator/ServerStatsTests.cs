using System.Text;
using PhoneBridge.Simulator.Load;

namespace PhoneBridge.Integration.Tests.Simulator;

public class ServerStatsTests
{
    [Fact]
    public void ReadsTheFiguresTheLoadTestUses()
    {
        var stats = ServerStats.Parse(Encoding.UTF8.GetBytes(
            """{"processCpuMs":1263,"activeCalls":2,"callsTotal":5,"framesFromPhone":300150,"framesToPhone":1,"framesDropped":0}"""));
        Assert.Equal(new ServerStats(1263, 2, 300150), stats);
    }

    [Fact]
    public void ReadsTheJitTime_WhenTheServerReportsIt()
    {
        var stats = ServerStats.Parse(Encoding.UTF8.GetBytes(
            """{"processCpuMs":10,"activeCalls":0,"jitCompiledMethods":9000,"jitTimeMs":1234.5}"""));
        Assert.Equal(new ServerStats(10, 0, null, 1234.5), stats);
    }

    [Theory]
    [InlineData("""{"activeCalls":2}""")]
    [InlineData("""{"processCpuMs":"x","activeCalls":2}""")]
    [InlineData("""[]""")]
    public void MissingFiguresGiveNothing(string json) => Assert.Null(ServerStats.Parse(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void CpuPerCallSecondUsesTheFramesActuallyBridged()
    {
        var report = new LoadReport
        {
            Latencies = new(),
            ServerCpuMs = 1000,
            SteadyWindow = TimeSpan.FromSeconds(10),
            CallsInWindow = 100,
            FramesInWindow = 25_000, // callers fell behind: 500 call-seconds bridged, not 1000
        };

        Assert.Equal(1.0, report.CpuMsPerCallSecond);
        Assert.Equal(2.0, report.CpuMsPerBridgedCallSecond);
    }
}
