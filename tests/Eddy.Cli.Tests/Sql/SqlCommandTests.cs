using Eddy.Cli.Sql;
using Eddy.Testing;

namespace Eddy.Cli.Tests.Sql;

[Trait("Category", "Unit")]
public class SqlCommandTests
{
    [Fact]
    public async Task Help_describes_every_option_and_the_clients_commands()
    {
        var (exitCode, output, _) = await CliHarness.RunAsync(["sql", "--help"]);
        Assert.Equal(ExitCodes.Success, exitCode);
        foreach (var option in new[] { "-f, --file", "-i, --init", "-b, --bootstrap", "--output", "--history-file", "--worker-id", "--duration", "--catalog <kafka|memory>", "--catalog-topic", "_eddy_sql_catalog", "Ctrl-C cancels", "QUIT;" })
        {
            Assert.Contains(option, output);
        }
    }

    [Fact]
    public async Task Piped_statements_run_in_order_and_one_that_cannot_run_is_an_error_while_set_works()
    {
        // The memory catalog: the SELECT needs no catalog topic, so no embedded broker starts.
        var (exitCode, output, error) = await CliHarness.RunAsync(["sql", "--catalog", "memory"], "SET 'a' = 'b';\nSET;\nSELECT 1;\n");
        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Equal("[INFO] Execute statement succeeded.\n+-----+-------+\n| key | value |\n+-----+-------+\n|   a |     b |\n+-----+-------+\n1 row in set\n", output);
        // SELECT without FROM (a VALUES plan) is not translated to the engine, which has no bounded source: the session
        // says so, nothing starts.
        Assert.StartsWith($"{SqlShell.ErrorHeader}\n", error);
        Assert.Contains("LogicalValues is not translated to the engine", error);
    }

    [Fact]
    public async Task Output_sets_the_result_mode_which_set_can_change_and_reset_restores()
    {
        var (exitCode, output, _) = await CliHarness.RunAsync(["sql", "--output", "changelog"],
            "SET 'sql-client.execution.result-mode' = 'json';\nRESET 'sql-client.execution.result-mode';\nSET;\n");
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.EndsWith("| sql-client.execution.result... | changelog |\n+--------------------------------+-----------+\n1 row in set\n", output);
    }

    [Fact]
    public async Task Json_output_keeps_stdout_json_lines_with_messages_on_stderr_and_rows_as_inserts()
    {
        var (exitCode, output, error) = await CliHarness.RunAsync(["sql", "--output", "json"], "SET 'a' = 'b';\nSET;\n");
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal("[INFO] Execute statement succeeded.\n", error);
        Assert.Equal(
            """
            {"op":"+I","row":{"key":"a","value":"b"}}
            {"op":"+I","row":{"key":"sql-client.execution.result-mode","value":"json"}}

            """, output);
    }

    [Fact]
    public async Task An_unknown_result_mode_in_set_is_an_error_naming_the_choices()
    {
        var (_, _, error) = await CliHarness.RunAsync(["sql"], "SET 'sql-client.execution.result-mode' = 'fancy';");
        Assert.Contains("Unknown value 'fancy' for 'sql-client.execution.result-mode': expected one of table, changelog, tableau, json.", error);
    }

    [Fact]
    public async Task A_file_runs_its_statements_and_its_first_error_names_the_files_line()
    {
        using var directory = new TempDirectory();
        var init = directory.Combine("init.sql");
        await File.WriteAllTextAsync(init, "SET 'x' = '1';\n");
        var job = directory.Combine("job.sql");
        await File.WriteAllTextAsync(job, "-- the job\nSET 'y' = '2';\n\nINSERT INTO s\nSELECT * FROM t;\nSET 'z' = '3';\n");

        var (exitCode, output, error) = await CliHarness.RunAsync(["sql", "-i", init, "-f", job, "--catalog", "memory"]);

        Assert.Equal(ExitCodes.Failure, exitCode);
        Assert.Equal("[INFO] Execute statement succeeded.\n[INFO] Execute statement succeeded.\n", output);
        Assert.StartsWith(SqlShell.ErrorHeader, error);
    }

    [Fact]
    public async Task Quit_in_a_file_stops_it_successfully()
    {
        using var directory = new TempDirectory();
        var job = directory.Combine("job.sql");
        await File.WriteAllTextAsync(job, "QUIT;\nSELECT 1;\n");
        var (exitCode, _, error) = await CliHarness.RunAsync(["sql", "-f", job]);
        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData(new[] { "sql", "-f", "/no/such/job.sql" }, "--file: no such file: /no/such/job.sql")]
    [InlineData(new[] { "sql", "--duration", "30s" }, "--duration limits the job of -f/--file")]
    [InlineData(new[] { "sql", "--worker-id", " " }, "--worker-id must not be empty")]
    [InlineData(new[] { "sql", "--output", "fancy" }, "fancy")]
    [InlineData(new[] { "sql", "--duration", "soon" }, "Invalid duration 'soon' for --duration")]
    [InlineData(new[] { "sql", "--catalog", "hive" }, "hive")]
    [InlineData(new[] { "sql", "--catalog", "memory", "--catalog-topic", "t" }, "--catalog-topic names the Kafka catalog's topic; --catalog memory keeps no topic")]
    [InlineData(new[] { "sql", "--catalog-topic", " " }, "--catalog-topic must not be empty")]
    public async Task Bad_invocations_are_usage_errors(string[] args, string message)
    {
        var (exitCode, _, error) = await CliHarness.RunAsync(args);
        Assert.Equal(ExitCodes.Usage, exitCode);
        Assert.Contains(message, error);
    }

    private sealed class DisposableExecutor : ISqlStatementExecutor, IAsyncDisposable
    {
        public SqlExecutorContext? Context { get; init; }

        public bool Disposed { get; private set; }

        public Task<SqlStatementResult> ExecuteAsync(SqlStatement statement, CancellationToken cancellationToken) =>
            Task.FromResult<SqlStatementResult>(new SqlMessageResult(statement.Text));

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task The_executor_gets_the_options_and_environment_and_is_disposed_when_the_client_ends()
    {
        DisposableExecutor? executor = null;
        var host = new SqlClientHost
        {
            CreateExecutor = context => executor = new DisposableExecutor { Context = context },
            OpenTerminal = _ => null,
        };
        var output = new StringWriter();
        var console = new CliConsole(new StringReader("INSERT INTO s SELECT 1;"), output, new StringWriter());
        var options = new SqlOptions { Bootstrap = "kafka:9092", WorkerId = "3" };

        var exitCode = await SqlCommand.RunAsync(options, console, host, CancellationToken.None, new Dictionary<string, string> { ["EDDY_X"] = "1" });

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Equal("[INFO] INSERT INTO s SELECT 1\n", output.ToString());
        Assert.NotNull(executor);
        Assert.True(executor.Disposed);
        Assert.Equal(options, executor.Context?.Options);
        Assert.Equal("1", executor.Context?.Environment["EDDY_X"]);
    }

    [Fact]
    public async Task On_a_terminal_the_client_edits_lines_keeps_history_and_shows_queries_in_table_mode()
    {
        using var directory = new TempDirectory();
        var terminal = new FakeTerminal().Line("SET;").Press(ConsoleKey.UpArrow).Press(ConsoleKey.Backspace).Type(" 'k' = 'v';").Press(ConsoleKey.Enter).Line("QUIT;");
        var host = new SqlClientHost
        {
            CreateExecutor = static context => new UnavailableSqlExecutor(context.Session),
            OpenTerminal = _ => terminal,
            DefaultHistory = _ => SqlHistory.Open(directory.Combine("history"), TextWriter.Null),
        };
        var output = new StringWriter();
        var console = new CliConsole(new StringReader(""), output, new StringWriter()) { OutputIsTerminal = true };

        var exitCode = await SqlCommand.RunAsync(new SqlOptions(), console, host, CancellationToken.None);

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.True(terminal.Disposed);
        Assert.Contains(SqlShell.Welcome, output.ToString());
        Assert.Contains("Empty set\n", output.ToString());
        Assert.Contains("[INFO] Execute statement succeeded.\n", output.ToString());
        Assert.Equal(["SET;", "SET 'k' = 'v';", "QUIT;"], await File.ReadAllLinesAsync(directory.Combine("history")));
    }
}
