namespace Eddy.Cli.Sql;

/// <summary>
/// The keyboard and size of an interactive terminal, which the line editor and the Ctrl-C watcher read; the text
/// goes to the client's output writer. The real one is <see cref="SystemSqlTerminal"/>; tests script keys.
/// </summary>
internal interface ISqlTerminal
{
    /// <summary>Whether a key is waiting.</summary>
    bool KeyAvailable { get; }

    /// <summary>Reads one key without echoing it (blocks until there is one).</summary>
    ConsoleKeyInfo ReadKey();

    /// <summary>The terminal's width in columns.</summary>
    int Width { get; }

    /// <summary>The terminal's height in lines.</summary>
    int Height { get; }
}

/// <summary>
/// The process's terminal. Ctrl-C reaches the client as a key (<see cref="Console.TreatControlCAsInput"/>) rather
/// than as SIGINT: at the prompt it clears the input and during a query it cancels the query, while the process's
/// shutdown signal (which stops every other verb) stays for SIGTERM. Disposing restores the terminal.
/// </summary>
internal sealed class SystemSqlTerminal : ISqlTerminalSession
{
    private readonly bool _treatControlCAsInput;

    public SystemSqlTerminal()
    {
        _treatControlCAsInput = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
    }

    public bool KeyAvailable => Console.KeyAvailable;

    public ConsoleKeyInfo ReadKey() => Console.ReadKey(intercept: true);

    public int Width => Measure(static () => Console.WindowWidth, 80);

    public int Height => Measure(static () => Console.WindowHeight, 24);

    private static int Measure(Func<int> read, int fallback)
    {
        try
        {
            var value = read();
            return value > 0 ? value : fallback;
        }
        catch (IOException)
        {
            return fallback;
        }
    }

    public void Dispose() => Console.TreatControlCAsInput = _treatControlCAsInput;
}
