using PhoneBridge.Simulator.Cli;

namespace PhoneBridge.Integration.Tests.Simulator;

public class CliArgumentsTests
{
    [Fact]
    public void ReadsCommandAndOptions()
    {
        var args = CliArguments.Parse(["load", "--calls", "200", "--seconds", "30", "--server", "http://127.0.0.1:5080"]);
        Assert.Equal("load", args.Command);
        Assert.Equal(200, args.Int("calls", 1, 1, 1000));
        Assert.Equal(30, args.Double("seconds", 1, 1, 100));
        Assert.Equal(new Uri("http://127.0.0.1:5080"), args.Url("server", null));
        args.EnsureAllRead();
    }

    [Theory]
    [InlineData(new string[0], "Missing command")]
    [InlineData(new[] { "call", "--seconds" }, "needs a value")]
    [InlineData(new[] { "call", "seconds", "5" }, "Expected an option")]
    [InlineData(new[] { "call", "--seconds", "1", "--seconds", "2" }, "given twice")]
    public void RejectsMalformedCommandLines(string[] argv, string expected)
    {
        var error = Assert.Throws<CliException>(() => CliArguments.Parse(argv));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TyposAreReported()
    {
        var args = CliArguments.Parse(["call", "--secnds", "5"]);
        args.Double("seconds", 5, 0, 10);
        var error = Assert.Throws<CliException>(args.EnsureAllRead);
        Assert.Contains("--secnds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OutOfRangeNumbersAreRefused()
    {
        var args = CliArguments.Parse(["load", "--calls", "0"]);
        Assert.Throws<CliException>(() => args.Int("calls", 1, 1, 100));
    }

    [Fact]
    public async Task UnknownCommandPrintsUsageAndFails()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SimulatorCli.RunAsync(["dial"], output, error, CancellationToken.None);
        Assert.Equal(2, code);
        Assert.Contains("Usage:", error.ToString(), StringComparison.Ordinal);
    }
}
