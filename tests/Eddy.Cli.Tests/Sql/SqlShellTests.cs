using System.Runtime.CompilerServices;
using Eddy.Cli.Sql;
using Eddy.Engine.Records;

namespace Eddy.Cli.Tests.Sql;

[Trait("Category", "Unit")]
public class SqlShellTests
{
    /// <summary>An executor for the tests: answers by the statement's first word, and records what it was given.</summary>
    private sealed class ScriptedExecutor : ISqlStatementExecutor
    {
        public List<SqlStatement> Executed { get; } = [];

        public Func<CancellationToken, IAsyncEnumerable<SqlChange>>? Query { get; init; }

        public Task<SqlStatementResult> ExecuteAsync(SqlStatement statement, CancellationToken cancellationToken)
        {
            Executed.Add(statement);
            var text = statement.Text;
            if (text.StartsWith("CREATE", StringComparison.Ordinal))
            {
                return Task.FromResult<SqlStatementResult>(new SqlMessageResult("Execute statement succeeded."));
            }
            if (text.StartsWith("SHOW", StringComparison.Ordinal))
            {
                return Task.FromResult<SqlStatementResult>(new SqlRowsResult([new("table name", "STRING")], [["Orders"]]));
            }
            if (text.StartsWith("SELECT", StringComparison.Ordinal))
            {
                return Task.FromResult<SqlStatementResult>(new SqlChangesResult([new("name", "STRING"), new("cnt", "BIGINT")],
                    Query is null ? Bounded() : new Deferred(Query)));
            }
            if (text.StartsWith("BOOM", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("unexpected");
            }
            throw new SqlStatementException($"SQL parse failed. Encountered \"{text.Split(' ')[0]}\" at line 1, column 1.");
        }

        private static async IAsyncEnumerable<SqlChange> Bounded()
        {
            await Task.Yield();
            yield return new SqlChange(RowKind.Insert, ["Bob", "1"]);
            yield return new SqlChange(RowKind.Insert, ["Alice", null]);
        }

        private sealed class Deferred(Func<CancellationToken, IAsyncEnumerable<SqlChange>> query) : IAsyncEnumerable<SqlChange>
        {
            public IAsyncEnumerator<SqlChange> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
                query(cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
    }

    /// <summary>Lines as typed at a terminal (interactive) or piped.</summary>
    private sealed class ScriptedLines(bool interactive, params InputLine[] lines) : ILineSource
    {
        private int _next;

        public List<string> Prompts { get; } = [];

        public bool Interactive => interactive;

        public ValueTask<InputLine> ReadLineAsync(string prompt, CancellationToken cancellationToken)
        {
            Prompts.Add(prompt);
            return ValueTask.FromResult(_next < lines.Length ? lines[_next++] : new InputLine(LineStatus.End));
        }
    }

    private static InputLine L(string text) => new(LineStatus.Line, text);

    private static (SqlShell Shell, StringWriter Out, StringWriter Error, SqlSessionProperties Session) Shell(ISqlStatementExecutor executor,
        IQueryInterrupts? interrupts = null, SqlResultMode mode = SqlResultMode.Tableau, SqlSessionProperties? session = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        session ??= new SqlSessionProperties();
        var settings = new SqlShellSettings
        {
            DefaultMode = mode,
            Interrupts = interrupts ?? new NoQueryInterrupts(),
            TickInterval = TimeSpan.FromMilliseconds(10),
            CreateView = SqlShellSettings.Views(output, terminal: false, 30, TimeSpan.FromMilliseconds(50), () => (80, 24)),
        };
        return (new SqlShell(executor, session, output, error, settings), output, error, session);
    }

    [Fact]
    public async Task Interactive_input_prompts_continues_multi_line_statements_and_quits()
    {
        var executor = new ScriptedExecutor();
        var (shell, output, _, _) = Shell(executor);
        var lines = new ScriptedLines(true, L("CREATE TABLE t ("), L("  a INT);"), L("quit;"), L("SHOW TABLES;"));

        Assert.Equal(SqlShell.Outcome.Done, await shell.RunInteractiveAsync(lines, CancellationToken.None));

        Assert.Equal([SqlShell.Prompt, SqlShell.ContinuationPrompt, SqlShell.Prompt], lines.Prompts);
        Assert.Equal("        > ", SqlShell.ContinuationPrompt);
        Assert.Equal(["CREATE TABLE t (\n  a INT)"], executor.Executed.Select(s => s.Text));
        Assert.Equal(SqlShell.Welcome + "\n\n[INFO] Execute statement succeeded.\n" + SqlShell.Goodbye + "\n", output.ToString());
    }

    [Fact]
    public async Task Ctrl_c_at_the_prompt_discards_the_statement_under_way()
    {
        var executor = new ScriptedExecutor();
        var (shell, _, _, _) = Shell(executor);
        var lines = new ScriptedLines(true, L("CREATE TABLE broken ("), new InputLine(LineStatus.Interrupted), L("CREATE TABLE ok (a INT);"));

        await shell.RunInteractiveAsync(lines, CancellationToken.None);

        Assert.Equal(["CREATE TABLE ok (a INT)"], executor.Executed.Select(s => s.Text));
        Assert.Equal(SqlShell.Prompt, lines.Prompts[2]);
    }

    [Fact]
    public async Task Errors_print_as_flinks_client_prints_them_and_the_session_goes_on()
    {
        var (shell, output, error, _) = Shell(new ScriptedExecutor());
        var lines = new ScriptedLines(false, L("SELEC 1;"), L("BOOM;"), L("SHOW TABLES;"));

        Assert.Equal(SqlShell.Outcome.Failed, await shell.RunInteractiveAsync(lines, CancellationToken.None));

        Assert.Equal(
            "[ERROR] Could not execute SQL statement. Reason:\nSQL parse failed. Encountered \"SELEC\" at line 1, column 1.\n\n"
            + "[ERROR] Could not execute SQL statement. Reason:\nSystem.InvalidOperationException: unexpected\n\n", error.ToString());
        Assert.Equal("+------------+\n| table name |\n+------------+\n|     Orders |\n+------------+\n1 row in set\n", output.ToString());
    }

    [Fact]
    public async Task Piped_input_runs_a_last_statement_without_a_semicolon_and_prints_no_prompt_or_welcome()
    {
        var executor = new ScriptedExecutor();
        var (shell, output, _, _) = Shell(executor);

        await shell.RunInteractiveAsync(new ScriptedLines(false, L("SHOW TABLES")), CancellationToken.None);

        Assert.Equal(["SHOW TABLES"], executor.Executed.Select(s => s.Text));
        Assert.StartsWith("+------------+", output.ToString());
    }

    [Fact]
    public async Task A_script_stops_at_its_first_error_which_names_the_scripts_line_and_column()
    {
        var executor = new ScriptedExecutor();
        var (shell, _, error, _) = Shell(executor);

        var outcome = await shell.RunScriptAsync("CREATE TABLE t (a INT);\n\n  INSERT INTO s SELECT * FROM t;\nCREATE TABLE u (a INT);", CancellationToken.None);

        Assert.Equal(SqlShell.Outcome.Failed, outcome);
        Assert.Equal(2, executor.Executed.Count);
        Assert.Contains("Encountered \"INSERT\" at line 3, column 3.", error.ToString());
    }

    [Fact]
    public async Task A_query_shows_its_changes_in_the_session_result_mode()
    {
        var session = new SqlSessionProperties();
        var (shell, output, _, _) = Shell(new UnavailableThenScripted(new UnavailableSqlExecutor(session), new ScriptedExecutor()), session: session);
        await shell.RunScriptAsync("SET 'sql-client.execution.result-mode' = 'changelog'; SELECT * FROM t;", CancellationToken.None);
        Assert.Equal("sql-client.execution.result-mode", Assert.Single(session.Values).Key);
        Assert.Equal(
            """
            [INFO] Execute statement succeeded.
             op                           name                  cnt
             +I                            Bob                    1
             +I                          Alice               <NULL>
            Received a total of 2 rows

            """, output.ToString());
    }

    [Fact]
    public async Task An_interrupt_cancels_the_running_query_and_the_client_goes_on_with_the_next_statement()
    {
        var terminal = new FakeTerminal();
        var cancelledByToken = false;
        async IAsyncEnumerable<SqlChange> Endless([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return new SqlChange(RowKind.Insert, ["Bob", "1"]);
            terminal.Ctrl('c'); // the user presses Ctrl-C while the query waits for input
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                cancelledByToken = cancellationToken.IsCancellationRequested;
            }
            yield break;
        }
        var executor = new ScriptedExecutor { Query = Endless };
        var (shell, output, _, _) = Shell(executor, new TerminalQueryInterrupts(terminal));

        var run = shell.RunInteractiveAsync(new ScriptedLines(true, L("SELECT * FROM clicks;"), L("SHOW TABLES;")), CancellationToken.None);

        Assert.Equal(SqlShell.Outcome.Done, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(cancelledByToken);
        Assert.Contains("| +I |                            Bob |                    1 |\nQuery terminated, received a total of 1 row\n", output.ToString());
        Assert.Contains("|     Orders |", output.ToString());
    }

    [Fact]
    public async Task A_query_that_ignores_its_cancellation_is_abandoned_and_the_prompt_comes_back()
    {
        var terminal = new FakeTerminal();
        async IAsyncEnumerable<SqlChange> Stubborn([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return new SqlChange(RowKind.Insert, ["Bob", "1"]);
            terminal.Ctrl('c');
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
        }
        var (shell, output, _, _) = Shell(new ScriptedExecutor { Query = Stubborn }, new TerminalQueryInterrupts(terminal));

        var run = shell.RunInteractiveAsync(new ScriptedLines(true, L("SELECT * FROM clicks;"), L("SHOW TABLES;")), CancellationToken.None);

        Assert.Equal(SqlShell.Outcome.Done, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Query terminated, received a total of 1 row\n", output.ToString());
        Assert.Contains("|     Orders |", output.ToString());
    }

    [Fact]
    public async Task Shutting_the_process_down_during_a_query_stops_the_query_and_the_client()
    {
        using var shutdown = new CancellationTokenSource();
        async IAsyncEnumerable<SqlChange> Endless([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            yield return new SqlChange(RowKind.Insert, ["Bob", "1"]);
            await shutdown.CancelAsync(); // SIGTERM
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        var executor = new ScriptedExecutor { Query = Endless };
        var (shell, output, _, _) = Shell(executor);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            shell.RunInteractiveAsync(new ScriptedLines(false, L("SELECT * FROM clicks;"), L("SHOW TABLES;")), shutdown.Token).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(executor.Executed);
        Assert.EndsWith("Query terminated, received a total of 1 row\n", output.ToString());
    }

    [Fact]
    public async Task Table_mode_shows_the_materialized_result_when_the_query_ends()
    {
        var (shell, output, _, _) = Shell(new ScriptedExecutor(), mode: SqlResultMode.Table);
        await shell.RunScriptAsync("SELECT * FROM t;", CancellationToken.None);
        Assert.Equal("+-------+--------+\n|  name |    cnt |\n+-------+--------+\n|   Bob |      1 |\n| Alice | <NULL> |\n+-------+--------+\n2 rows in set\nReceived a total of 2 rows\n",
            output.ToString());
    }

    [Fact]
    public async Task Help_lists_the_commands_and_clear_does_nothing_off_a_terminal()
    {
        var executor = new ScriptedExecutor();
        var (shell, output, _, _) = Shell(executor);
        await shell.RunScriptAsync("HELP; CLEAR;", CancellationToken.None);
        Assert.Empty(executor.Executed);
        Assert.StartsWith("The following commands are available:", output.ToString());
        Assert.DoesNotContain("\e[", output.ToString());
    }

    /// <summary>SET through the fallback executor, everything else through the scripted one.</summary>
    private sealed class UnavailableThenScripted(UnavailableSqlExecutor fallback, ScriptedExecutor scripted) : ISqlStatementExecutor
    {
        public Task<SqlStatementResult> ExecuteAsync(SqlStatement statement, CancellationToken cancellationToken) =>
            statement.Text.StartsWith("SET", StringComparison.Ordinal)
                ? fallback.ExecuteAsync(statement, cancellationToken)
                : scripted.ExecuteAsync(statement, cancellationToken);
    }
}
