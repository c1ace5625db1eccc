namespace PhoneBridge.Simulator.Cli;

/// <summary>What the simulator's exit code means, for scripts.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The run went wrong: a call failed, the server misbehaved or went away.</summary>
    public const int Failure = 1;

    /// <summary>The command line cannot be run; the message says why.</summary>
    public const int Usage = 2;

    /// <summary>Ctrl+C, as shells report SIGINT.</summary>
    public const int Interrupted = 130;
}
