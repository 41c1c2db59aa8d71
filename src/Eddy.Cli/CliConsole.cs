namespace Eddy.Cli;

/// <summary>
/// The three standard streams a verb works with. The real program passes the process's streams; tests pass
/// StringReader/StringWriter so every verb can run in-process.
/// </summary>
public sealed record CliConsole(TextReader In, TextWriter Out, TextWriter Error)
{
    /// <summary>Whether <see cref="Out"/> is an interactive terminal (live views redraw in place there; elsewhere they print lines).</summary>
    public bool OutputIsTerminal { get; init; }
}
