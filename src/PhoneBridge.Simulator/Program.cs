using PhoneBridge.Simulator.Cli;

namespace PhoneBridge.Simulator;

internal static class SimulatorProgram
{
    public static Task<int> Main(string[] args) => SimulatorCli.RunAsync(args, CliConsole.System, CancellationToken.None);
}
