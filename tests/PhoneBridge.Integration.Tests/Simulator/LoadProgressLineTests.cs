using Microsoft.Extensions.Time.Testing;
using PhoneBridge.Simulator.Load;

namespace PhoneBridge.Integration.Tests.Simulator;

public class LoadProgressLineTests
{
    [Fact]
    public void OnATerminalTheStatusIsRedrawnInPlaceAndWipedBeforeOtherText()
    {
        using var inner = new StringWriter();
        using var writer = new LiveLineWriter(inner, inPlace: true);

        writer.Show("calls up 10/10");
        writer.Show("calls up 9/10");
        writer.WriteLine("measuring.");
        writer.Show("calls up 8/10");
        writer.Keep();
        writer.WriteLine("report");

        Assert.Equal(
            "\rcalls up 10/10\rcalls up 9/10 \r             \rmeasuring.\n\rcalls up 8/10\nreport\n",
            inner.ToString().Replace(Environment.NewLine, "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void OffATerminalTheStatusIsOneLineEachTime()
    {
        using var inner = new StringWriter();
        using var writer = new LiveLineWriter(inner, inPlace: false);

        writer.Show("a");
        writer.WriteLine("b");
        writer.Show("c");
        writer.Keep();

        Assert.Equal("a\nb\nc\n", inner.ToString().Replace(Environment.NewLine, "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PrintsEveryFiveSecondsIntoAFileAndStopsWhenAsked()
    {
        var time = new FakeTimeProvider();
        var tally = new LoadTally();
        tally.Start(4);
        using var inner = new StringWriter();
        using var writer = new LiveLineWriter(inner, inPlace: false);
        using var stop = new CancellationTokenSource();

        var run = LoadProgressLine.RunAsync(tally, writer, time, stop.Token);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(string.Empty, inner.ToString());
        time.Advance(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        var lines = inner.ToString().Replace(Environment.NewLine, "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        Assert.InRange(lines.Length, 1, 2); // the second tick may land after the cancel on a loaded machine
        Assert.All(lines, line => Assert.Equal("calls up 0/4, ended 0, failed 0; frames sent 0, back 0, late 0, lost 0", line));
    }
}
