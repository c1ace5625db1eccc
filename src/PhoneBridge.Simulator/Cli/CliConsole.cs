namespace PhoneBridge.Simulator.Cli;

/// <summary>Where the simulator writes, and whether each stream is a terminal (a live line is redrawn only there).</summary>
public sealed record CliConsole(TextWriter Output, TextWriter Error, bool OutputIsTerminal = false, bool ErrorIsTerminal = false)
{
    /// <summary>The process's own stdout and stderr.</summary>
    public static CliConsole System => new(Console.Out, Console.Error, !Console.IsOutputRedirected, !Console.IsErrorRedirected);
}
