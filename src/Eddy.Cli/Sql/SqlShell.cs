namespace Eddy.Cli.Sql;

/// <summary>
/// The SQL client's loop, free of the process's console so tests drive it: it reads lines (prompt
/// <c>Eddy SQL&gt;</c>, continuation <c>&gt;</c>), splits them into statements, answers the client commands, hands
/// every other statement to the executor and shows its result: <c>[INFO]</c> messages, result tables, and a query's
/// changes in the session's result mode, cancelled by an interrupt (Ctrl-C) that returns to the prompt. Errors print
/// as Flink's client prints them: <c>[ERROR] Could not execute SQL statement. Reason:</c> and the reason.
/// </summary>
internal sealed class SqlShell
{
    public const string Prompt = "Eddy SQL> ";

    /// <summary>The continuation prompt: a <c>&gt;</c> under the prompt's, as Flink's client aligns it.</summary>
    public static readonly string ContinuationPrompt = new string(' ', Prompt.Length - 2) + "> ";

    public const string ErrorHeader = "[ERROR] Could not execute SQL statement. Reason:";

    public const string Welcome = "Eddy SQL client (Flink's SQL dialect). Enter 'HELP;' to list all available commands. 'QUIT;' to exit.";

    public const string Goodbye = "Exiting Eddy SQL client...";

    private readonly ISqlStatementExecutor _executor;
    private readonly SqlSessionProperties _session;
    private readonly TextWriter _out;
    private readonly TextWriter _error;
    private readonly SqlShellSettings _settings;

    public SqlShell(ISqlStatementExecutor executor, SqlSessionProperties session, TextWriter output, TextWriter error, SqlShellSettings settings)
    {
        _executor = executor;
        _session = session;
        _out = output;
        _error = error;
        _settings = settings;
    }

    /// <summary>How a statement went.</summary>
    internal enum Outcome
    {
        Done,
        Failed,
        Quit,
    }

    /// <summary>
    /// Runs a script (<c>-f</c>, <c>--init</c>) statement by statement, stopping at the first failure as Flink's
    /// client does; error positions are the script's lines and columns.
    /// </summary>
    public async Task<Outcome> RunScriptAsync(string script, CancellationToken cancellationToken)
    {
        foreach (var statement in SqlStatementSplitter.SplitScript(script))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var outcome = await ExecuteAsync(statement, shiftPositions: true, cancellationToken);
            if (outcome != Outcome.Done)
            {
                return outcome;
            }
        }
        return Outcome.Done;
    }

    /// <summary>
    /// Reads statements from <paramref name="lines"/> until QUIT or the end of input. With a person typing, Ctrl-C
    /// clears the input under way; from a pipe, a failed statement does not stop the next ones (the result tells
    /// whether any failed), and a last statement without <c>;</c> runs at the end.
    /// </summary>
    public async Task<Outcome> RunInteractiveAsync(ILineSource lines, CancellationToken cancellationToken)
    {
        var buffer = new SqlStatementBuffer();
        var failed = false;
        if (lines.Interactive)
        {
            await WriteOutAsync(Welcome + "\n\n");
        }
        while (true)
        {
            var line = await lines.ReadLineAsync(buffer.IsEmpty ? Prompt : ContinuationPrompt, cancellationToken);
            switch (line.Status)
            {
                case LineStatus.Interrupted:
                    buffer.Clear();
                    continue;
                case LineStatus.End:
                    if (!lines.Interactive && buffer.Finish() is { } last)
                    {
                        failed |= await ExecuteAsync(last, shiftPositions: false, cancellationToken) == Outcome.Failed;
                    }
                    if (lines.Interactive)
                    {
                        await WriteOutAsync(Goodbye + "\n");
                    }
                    return failed ? Outcome.Failed : Outcome.Done;
            }
            foreach (var statement in buffer.Add(line.Text))
            {
                var outcome = await ExecuteAsync(statement, shiftPositions: false, cancellationToken);
                if (outcome == Outcome.Quit)
                {
                    if (lines.Interactive)
                    {
                        await WriteOutAsync(Goodbye + "\n");
                    }
                    return failed ? Outcome.Failed : Outcome.Done;
                }
                failed |= outcome == Outcome.Failed;
            }
        }
    }

    /// <summary>Runs one statement: a client command here, anything else through the executor.</summary>
    internal async Task<Outcome> ExecuteAsync(SqlStatement statement, bool shiftPositions, CancellationToken cancellationToken)
    {
        switch (SqlClientCommands.Recognize(statement))
        {
            case SqlClientCommand.Quit:
                return Outcome.Quit;
            case SqlClientCommand.Help:
                await WriteOutAsync(SqlClientCommands.HelpText + "\n");
                return Outcome.Done;
            case SqlClientCommand.Clear:
                if (_settings.Terminal)
                {
                    await WriteOutAsync("\e[H\e[2J\e[3J");
                }
                return Outcome.Done;
        }
        try
        {
            var result = await _executor.ExecuteAsync(statement, cancellationToken);
            switch (result)
            {
                case SqlMessageResult message when Mode() == SqlResultMode.Json:
                    // JSON output stays JSON Lines: what is not a result goes beside it, to stderr.
                    await _error.WriteAsync($"[INFO] {message.Message}\n");
                    await _error.FlushAsync(CancellationToken.None);
                    break;
                case SqlMessageResult message:
                    await WriteOutAsync($"[INFO] {message.Message}\n");
                    break;
                case SqlTextResult text:
                    await WriteOutAsync(text.Text.EndsWith('\n') ? text.Text : text.Text + "\n");
                    break;
                case SqlRowsResult rows when Mode() == SqlResultMode.Json:
                    await ShowRowsAsJsonAsync(rows);
                    break;
                case SqlRowsResult rows:
                    await WriteOutAsync(ResultTablePrinter.Format(rows.Columns, rows.Rows, _settings.MaxColumnWidth));
                    break;
                case SqlChangesResult changes:
                    await ShowChangesAsync(changes, cancellationToken);
                    break;
                default:
                    throw new InvalidOperationException($"unknown result {result?.GetType().Name ?? "null"} from the SQL executor");
            }
            return Outcome.Done;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (SqlStatementException e)
        {
            await WriteErrorAsync(shiftPositions ? statement.ShiftPositions(e.Message) : e.Message);
            return Outcome.Failed;
        }
        catch (Exception e)
        {
            // The executor is plugged in: whatever it throws is reported as Flink's client reports an unexpected
            // failure (the exception's type and message), and the session goes on.
            var reason = $"{e.GetType().FullName}: {e.Message}";
            await WriteErrorAsync(shiftPositions ? statement.ShiftPositions(reason) : reason);
            return Outcome.Failed;
        }
    }

    /// <summary>Shows a query's changes until it ends or is interrupted; the view's tick lets table mode draw held-back changes.</summary>
    private async Task ShowChangesAsync(SqlChangesResult result, CancellationToken cancellationToken)
    {
        var view = _settings.CreateView(Mode());
        using var query = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var cancelled = false;
        await view.BeginAsync(result.Columns);
        var enumerator = result.Changes.GetAsyncEnumerator(query.Token);
        Task<bool>? next = null;
        await using (_settings.Interrupts.Watch(query))
        {
            var stopped = Task.Delay(Timeout.Infinite, query.Token);
            try
            {
                next = enumerator.MoveNextAsync().AsTask();
                while (true)
                {
                    if (!next.IsCompleted)
                    {
                        var tick = Task.Delay(_settings.TickInterval, query.Token);
                        await Task.WhenAny(next, tick, stopped);
                        if (!next.IsCompleted)
                        {
                            if (query.IsCancellationRequested)
                            {
                                cancelled = true;
                                break;
                            }
                            await view.TickAsync();
                            continue;
                        }
                    }
                    if (!await next)
                    {
                        next = null;
                        break;
                    }
                    await view.ChangeAsync(enumerator.Current);
                    next = enumerator.MoveNextAsync().AsTask();
                }
            }
            catch (OperationCanceledException) when (query.IsCancellationRequested)
            {
                cancelled = true;
                next = null;
            }
            catch (Exception) when (!query.IsCancellationRequested)
            {
                // The query failed: release the stream, then report the failure as a statement error.
                await StopAsync(enumerator, null);
                throw;
            }
        }
        await StopAsync(enumerator, next);
        await view.EndAsync(cancelled);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Disposes the change stream once its pending read has ended; a producer that ignores the cancellation is left
    /// behind after a grace period rather than holding the prompt.
    /// </summary>
    private static async Task StopAsync(IAsyncEnumerator<SqlChange> enumerator, Task<bool>? pending)
    {
        if (pending is not null)
        {
            await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(2)));
            if (!pending.IsCompleted)
            {
                return;
            }
            if (pending.IsFaulted)
            {
                _ = pending.Exception;
            }
        }
        try
        {
            await enumerator.DisposeAsync();
        }
        catch (OperationCanceledException)
        {
            // the producer stopped on the query's cancellation
        }
    }

    /// <summary>A finished result in JSON mode: its rows as inserts, one object each, the shape of a query's changes.</summary>
    private async Task ShowRowsAsJsonAsync(SqlRowsResult rows)
    {
        var json = new JsonChangeView(_out);
        await json.BeginAsync(rows.Columns);
        foreach (var row in rows.Rows)
        {
            await json.ChangeAsync(new SqlChange(Eddy.Engine.Records.RowKind.Insert, row));
        }
        await json.EndAsync(cancelled: false);
    }

    private SqlResultMode Mode() =>
        SqlResultModes.TryParse(_session.Get(SqlResultModes.Property), out var mode) ? mode : _settings.DefaultMode;

    private async Task WriteOutAsync(string text)
    {
        await _out.WriteAsync(text);
        await _out.FlushAsync();
    }

    private async Task WriteErrorAsync(string reason)
    {
        await _out.FlushAsync();
        await _error.WriteAsync($"{ErrorHeader}\n{reason}\n\n");
        await _error.FlushAsync();
    }
}

/// <summary>How the shell shows results.</summary>
internal sealed record SqlShellSettings
{
    /// <summary>Whether the output is a terminal (table mode redraws, CLEAR clears).</summary>
    public bool Terminal { get; init; }

    /// <summary>The result mode when the session sets none: table on a terminal, tableau otherwise.</summary>
    public SqlResultMode DefaultMode { get; init; } = SqlResultMode.Tableau;

    public int MaxColumnWidth { get; init; } = TableauLayout.DefaultMaxColumnWidth;

    /// <summary>How often table mode may redraw.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often a view is told that time passed without a change.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public IQueryInterrupts Interrupts { get; init; } = new NoQueryInterrupts();

    /// <summary>Creates the view of a mode.</summary>
    public required Func<SqlResultMode, ISqlChangeView> CreateView { get; init; }

    /// <summary>The views writing to <paramref name="output"/>, table mode sized by <paramref name="size"/>.</summary>
    public static Func<SqlResultMode, ISqlChangeView> Views(TextWriter output, bool terminal, int maxColumnWidth, TimeSpan refresh,
        Func<(int Width, int Height)> size) => mode => mode switch
        {
            SqlResultMode.Table => new TableChangeView(output, terminal, static () => Environment.TickCount64, refresh, size, maxColumnWidth),
            SqlResultMode.Changelog => new ChangelogChangeView(output, maxColumnWidth),
            SqlResultMode.Json => new JsonChangeView(output),
            _ => new TableauChangeView(output, maxColumnWidth),
        };
}
