namespace Eddy.Cli;

/// <summary>
/// An expected failure the user should see as one <c>error: ...</c> line (no stack trace), with the exit code to return.
/// </summary>
public sealed class CliException : Exception
{
    public CliException(string message, int exitCode = ExitCodes.Failure) : base(message)
    {
        ExitCode = exitCode;
    }

    public CliException() : this("command failed") { }

    public CliException(string message) : this(message, ExitCodes.Failure) { }

    public CliException(string message, Exception innerException) : base(message, innerException)
    {
        ExitCode = ExitCodes.Failure;
    }

    public int ExitCode { get; }

    /// <summary>A bad invocation (exit code 2).</summary>
    public static CliException Usage(string message) => new(message, ExitCodes.Usage);
}
