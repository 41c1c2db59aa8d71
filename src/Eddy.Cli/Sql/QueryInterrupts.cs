namespace Eddy.Cli.Sql;

/// <summary>Turns the user's "stop this query" into the cancellation of the query's token, while a query runs.</summary>
internal interface IQueryInterrupts
{
    /// <summary>Watches for an interrupt until the returned handle is disposed, and cancels <paramref name="query"/> on one.</summary>
    IAsyncDisposable Watch(CancellationTokenSource query);
}

/// <summary>
/// No interrupt of its own: with piped input, Ctrl-C is SIGINT, which stops the whole client through the process's
/// shutdown signal (the query's token is linked to it).
/// </summary>
internal sealed class NoQueryInterrupts : IQueryInterrupts
{
    public IAsyncDisposable Watch(CancellationTokenSource query) => NoWatch.Instance;

    private sealed class NoWatch : IAsyncDisposable
    {
        public static readonly NoWatch Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>
/// On a terminal, Ctrl-C is a key (<see cref="SystemSqlTerminal"/>): while a query runs, a watcher reads the keys and
/// cancels the query on Ctrl-C (or Q, which closes Flink's result views), so the client returns to its prompt. Other
/// keys are dropped, as a result view ignores them. The watcher stops before the prompt reads keys again.
/// </summary>
internal sealed class TerminalQueryInterrupts(ISqlTerminal terminal) : IQueryInterrupts
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    public IAsyncDisposable Watch(CancellationTokenSource query) => new Watcher(terminal, query);

    private sealed class Watcher : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Watcher(ISqlTerminal terminal, CancellationTokenSource query)
        {
            _loop = Task.Run(async () =>
            {
                try
                {
                    while (!_stop.IsCancellationRequested)
                    {
                        if (!terminal.KeyAvailable)
                        {
                            await Task.Delay(Poll, _stop.Token);
                            continue;
                        }
                        var key = terminal.ReadKey();
                        if (LineEditor.IsControl(key, ConsoleKey.C, '\x03') || key.KeyChar is 'q' or 'Q')
                        {
                            await query.CancelAsync();
                            return;
                        }
                    }
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    // the query ended first
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }
}
