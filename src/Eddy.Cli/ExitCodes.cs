namespace Eddy.Cli;

/// <summary>The process exit codes every verb uses, so scripts can tell a bad invocation from a failed operation.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The operation ran and failed (a Kafka error, an unreadable input, undelivered records).</summary>
    public const int Failure = 1;

    /// <summary>The invocation itself is wrong: bad arguments, unknown or invalid configuration.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted by Ctrl-C / SIGTERM before the work was complete (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
