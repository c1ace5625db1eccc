namespace PhoneBridge.Simulator.Cli;

/// <summary>A command line that cannot be run; the message is shown with the usage.</summary>
public sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
