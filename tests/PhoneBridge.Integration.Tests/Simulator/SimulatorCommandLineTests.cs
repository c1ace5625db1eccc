using System.CommandLine;
using PhoneBridge.Simulator.Cli;

namespace PhoneBridge.Integration.Tests.Simulator;

public class SimulatorCommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task HelpOnTheRootListsEveryCommand(string help)
    {
        var (code, output, error) = await RunAsync(help);

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        foreach (var command in new[] { "call", "load", "telnyx" })
        {
            Assert.Matches($@"(?m)^\s+{command}\s", output);
        }

        Assert.Contains("--version", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("call", "--help", "--record")]
    [InlineData("call", "-h", "--dtmf")]
    [InlineData("call", "--help", "--expect-dtmf")]
    [InlineData("call", "--help", "--json")]
    [InlineData("load", "--help", "--json")]
    [InlineData("load", "-h", "--markers")]
    [InlineData("telnyx", "--help", "--swap-chunks")]
    [InlineData("telnyx", "-h", "--bridge-api-key")]
    [InlineData("call", "--help", "--answer-as")]
    [InlineData("telnyx", "--help", "--answer-as")]
    public async Task HelpOnEachCommandListsItsOptions(string command, string help, string option)
    {
        var (code, output, error) = await RunAsync(command, help);

        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains($" {command} [options]", output, StringComparison.Ordinal);
        Assert.Contains(option, output, StringComparison.Ordinal);
        Assert.Contains("--server", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("call")]
    [InlineData("telnyx")]
    public void AnswerAsTakesHumanOrMachineOnly(string command)
    {
        Assert.Empty(Parse(command, "--answer-as", "machine").Errors);
        Assert.Empty(Parse(command, "--answer-as", "human").Errors);
        Assert.NotEmpty(Parse(command, "--answer-as", "robot").Errors);
    }

    [Fact]
    public async Task VersionPrintsTheAssemblyVersion()
    {
        var (code, output, _) = await RunAsync("--version");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }

    [Fact]
    public void NameEqualsValueReadsAsNameSpaceValue()
    {
        var joined = Parse("load", "--calls=200", "--seconds=30", "--server=http://127.0.0.1:5081", "--markers=50");
        var spaced = Parse("load", "--calls", "200", "--seconds", "30", "--server", "http://127.0.0.1:5081", "--markers", "50");

        foreach (var parsed in new[] { joined, spaced })
        {
            Assert.Empty(parsed.Errors);
            Assert.Equal(200, parsed.GetValue<int>("--calls"));
            Assert.Equal(30d, parsed.GetValue<double>("--seconds"));
            Assert.Equal(new Uri("http://127.0.0.1:5081"), parsed.GetValue<Uri>("--server"));
            Assert.Equal(50, parsed.GetValue<int?>("--markers"));
        }
    }

    [Theory]
    [InlineData(new[] { "call", "--expect-dtmf", "159#" }, "159#")]
    [InlineData(new[] { "call", "--expect-dtmf=*0ABCD" }, "*0ABCD")]
    [InlineData(new[] { "call", "--expect-dtmf", "" }, "")] // listen, and expect no key at all
    [InlineData(new[] { "call" }, null)] // do not listen
    public void ExpectDtmfReadsTheKeys(string[] argv, string? expected)
    {
        var parsed = Parse(argv);

        Assert.Empty(parsed.Errors);
        Assert.Equal(expected, parsed.GetValue<string?>("--expect-dtmf"));
    }

    [Fact]
    public void OptionsLeftOutKeepTheirDefaults()
    {
        var parsed = Parse("load");

        Assert.Empty(parsed.Errors);
        Assert.Equal(10, parsed.GetValue<int>("--calls"));
        Assert.Equal(10d, parsed.GetValue<double>("--seconds"));
        Assert.Equal(20d, parsed.GetValue<double>("--late-ms"));
        Assert.Equal(new Uri("http://127.0.0.1:5080"), parsed.GetValue<Uri>("--server"));
        Assert.Null(parsed.GetValue<int?>("--markers"));
        Assert.False(parsed.GetValue<bool>("--json"));
    }

    [Theory]
    [InlineData(new[] { "telnyx", "--swap-chunks" }, "--swap-chunks", true)]
    [InlineData(new[] { "telnyx", "--swap-chunks", "true" }, "--swap-chunks", true)]
    [InlineData(new[] { "telnyx", "--swap-chunks=false" }, "--swap-chunks", false)]
    [InlineData(new[] { "telnyx" }, "--swap-chunks", false)]
    [InlineData(new[] { "load", "--json" }, "--json", true)]
    [InlineData(new[] { "call", "--json" }, "--json", true)]
    [InlineData(new[] { "call" }, "--json", false)]
    public void SwitchesNeedNoValue(string[] argv, string flag, bool expected)
    {
        var parsed = Parse(argv);

        Assert.Empty(parsed.Errors);
        Assert.Equal(expected, parsed.GetValue<bool>(flag));
    }

    [Theory]
    [InlineData(new[] { "call", "--secnds", "5" }, "'--secnds'")]
    [InlineData(new[] { "load", "--calls", "0" }, "--calls must be a whole number from 1 to 10000, got '0'.")]
    [InlineData(new[] { "load", "--seconds=abc" }, "--seconds must be a number from 1 to 3600, got 'abc'.")]
    [InlineData(new[] { "load", "--seconds", "6", "--ramp-seconds", "6" }, "--ramp-seconds must be shorter than --seconds")]
    [InlineData(new[] { "call", "--server", "ftp://x" }, "--server must be an http(s) URL, got 'ftp://x'.")]
    [InlineData(new[] { "call", "--dtmf", "12x" }, "--dtmf takes the keys")]
    [InlineData(new[] { "call", "--expect-dtmf", "15e#" }, "--expect-dtmf takes the keys 0-9 * # A-D, got '15e#'.")]
    [InlineData(new[] { "call", "--expect-dtmf" }, "--expect-dtmf")]
    [InlineData(new[] { "call", "--seconds" }, "--seconds")]
    [InlineData(new[] { "telnyx", "--seed", "abcd" }, "--seed must be 64 hex digits.")]
    [InlineData(new[] { "telnyx", "--hangup", "server" }, "--hangup server needs --bridge-api-key")]
    [InlineData(new[] { "telnyx", "--hangup", "nobody" }, "nobody")]
    [InlineData(new[] { "dial" }, "'dial'")]
    [InlineData(new string[0], "command")]
    public async Task BadCommandLinesAreUsageErrorsWithAClearMessage(string[] argv, string expected)
    {
        var (code, output, error) = await RunAsync(argv);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Empty(output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("--help", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownOptionIsNamedAndNothingIsDialled()
    {
        // Port 9 (discard) on loopback: were anything dialled, the exit code would be a failure (1), not 2.
        var (code, _, error) = await RunAsync("load", "--server", "http://127.0.0.1:9", "--calls", "1", "--bogus", "x");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("Unrecognized command or argument '--bogus'", error, StringComparison.Ordinal);
    }

    private static ParseResult Parse(params string[] args)
    {
        using var http = new HttpClient();
        return SimulatorCli.CreateRoot(http, new CliConsole(TextWriter.Null, TextWriter.Null)).Parse(args);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await SimulatorCli.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
